#requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester tests against a built module (never the source tree). build.ps1 calls it in a child pwsh.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $LabFile,
    [string] $Filter = $(if ($env:SWARMPS_TEST_FILTER) { $env:SWARMPS_TEST_FILTER } else { '*' }),
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
$env:SWARMPS_TEST_LAB = [System.IO.Path]::GetFullPath($LabFile)

$configuration = New-PesterConfiguration
$configuration.Run.Path = Get-ChildItem (Join-Path $PSScriptRoot 'pester') -Filter "$Filter.Tests.ps1" | ForEach-Object FullName
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
if ($ResultPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputPath = $ResultPath
}

$result = Invoke-Pester -Configuration $configuration
$summary = [pscustomobject]@{
    Passed = $result.PassedCount
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
}
if ($SummaryPath) { $summary | ConvertTo-Json | Set-Content -Path $SummaryPath }
if ($summary.Failed -gt 0) { exit 1 }
