#requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester tests against a built module (never the source tree). build.ps1 calls it in a child pwsh.
.DESCRIPTION
    Tests that need the lab are tagged Lab. build.ps1 -Task Test runs every test with -LabFile; -Task UnitTest
    runs the rest with -ExcludeTag Lab and no lab file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # The lab's lab.json. Without it Get-Lab throws, so only tests that need no lab can pass.
    [string] $LabFile,
    [string] $Filter = $(if ($env:SWARMPS_TEST_FILTER) { $env:SWARMPS_TEST_FILTER } else { '*' }),
    # Runs only the tests with one of these tags (comma-separated works too, for pwsh -File).
    [string[]] $Tag,
    # Leaves out the tests with one of these tags: -ExcludeTag Lab is the unit tier.
    [string[]] $ExcludeTag,
    [string] $SummaryPath,
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'

# Pester is pinned in tests/SwarmPS.Tests/SwarmPS.Tests.csproj and restored into the NuGet cache.
$pesterVersion = '6.2.0'
$cache = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
$pester = Join-Path $cache.Trim() "pester/$pesterVersion/tools/Pester.psd1"
if (-not (Test-Path $pester)) {
    & dotnet restore (Join-Path $PSScriptRoot 'SwarmPS.Tests/SwarmPS.Tests.csproj') --nologo -v quiet
}
Import-Module $pester -RequiredVersion $pesterVersion -Force

$env:SWARMPS_TEST_MODULE = (Resolve-Path $ModulePath).Path
if ($LabFile) {
    $env:SWARMPS_TEST_LAB = [System.IO.Path]::GetFullPath($LabFile)
} else {
    # No lab: a lab file named by the caller's environment must not leak into the unit tier.
    Remove-Item Env:SWARMPS_TEST_LAB -ErrorAction Ignore
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = Get-ChildItem (Join-Path $PSScriptRoot 'pester') -Filter "$Filter.Tests.ps1" | ForEach-Object FullName
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$Tag = @($Tag | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
if ($Tag) { $configuration.Filter.Tag = $Tag }
if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag }
# The NUnit report is written after the run, apart from it: Pester's own writer throws on a control character in
# a failure message (an ANSI colour code in captured output, say), and that must never cost the counts.
$configuration.TestResult.Enabled = $false

$result = $null
try {
    $result = Invoke-Pester -Configuration $configuration
}
catch {
    Write-Warning "Pester stopped: $_"
}
if ($ResultPath -and $result) {
    try {
        $result | Export-NUnitReport -Path $ResultPath
    }
    catch {
        Write-Warning "The NUnit report $ResultPath could not be written ($_); the counts below stand."
    }
}
$summary = [pscustomobject]@{
    Passed = [int]$result.PassedCount
    Failed = [int]$result.FailedCount + [int]$result.FailedBlocksCount + [int]$result.FailedContainersCount
    Skipped = [int]$result.SkippedCount
}
if (-not $result) {
    # No result object at all: Pester itself failed, which must never read as green.
    $summary.Failed += 1
}
if ($summary.Passed + $summary.Failed -eq 0) {
    # A filter that selects nothing must not read as green.
    Write-Warning "Pester ran no test (files '$Filter.Tests.ps1', tags '$($Tag -join ',')', excluded tags '$($ExcludeTag -join ',')')."
    $summary.Failed = 1
}
if ($SummaryPath) { $summary | ConvertTo-Json | Set-Content -Path $SummaryPath }
if ($summary.Failed -gt 0) { exit 1 }
