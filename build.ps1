#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages SwarmPS, and drives the lab of test hosts.
.DESCRIPTION
    Tasks:
      Build     publishes the module into out/SwarmPS, ready for Import-Module and for a gallery.
      UnitTest  builds, runs the xunit tests and the Pester tests that need no lab (every test not tagged Lab)
                in a child pwsh against out/SwarmPS, and prints "N passed, N failed". No lab, no Docker, no
                root: the quick check while developing.
      Test      installs what is missing (as Demo does), builds, runs the xunit tests, brings the lab up, runs all the Pester tests (those tagged Lab
                too) in a child pwsh against out/SwarmPS, takes the lab down again, and prints
                "N passed, N failed".
      Demo      the whole walk on the lab: installs what is missing (as root; otherwise prints the command to
                run), builds, brings the lab up, and runs tools/Demo.ps1 from bare hosts to placed containers,
                printing the tables a user would see. The lab stays up; the last line says how to take it down.
      Lab       brings the lab up, down or back to bare (-LabAction Up|Down|Reset|Status).
      Clean     removes out/ and the build folders.
    A Pester Describe or It that needs the lab (lab.json, SSH to the nodes, Get-Lab) carries -Tag Lab.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task UnitTest
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Demo
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Lab -LabAction Up -Nodes 3
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'UnitTest', 'Test', 'Demo', 'Lab', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Up', 'Down', 'Reset', 'Status')]
    [string] $LabAction = 'Up',

    [ValidateRange(1, 8)]
    [int] $Nodes = 3,

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Runs only the Pester files whose names match (for example 'Lab*'), with Test or UnitTest.
    [string] $PesterFilter = '*',

    # Leaves the lab running after Test, for a quicker next run while developing.
    [switch] $KeepLab
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'SwarmPS'
$LabScript = Join-Path $Root 'tests/lab/lab.sh'
$LabDir = if ($env:SWARMPS_LAB_DIR) { $env:SWARMPS_LAB_DIR } else { Join-Path $Out 'lab' }

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# The Debian packages the lab and the tests need, by the command each one provides.
$Prerequisites = [ordered]@{
    dockerd = 'docker.io'; debootstrap = 'debootstrap'; busybox = 'busybox-static'; ssh = 'openssh-client'
    sshpass = 'sshpass'; jq = 'jq'; curl = 'curl'; ip = 'iproute2'; openssl = 'openssl'; iptables = 'iptables'
    'docker-registry' = 'docker-registry'; htpasswd = 'apache2-utils'; flock = 'util-linux'
}

# Installs the missing packages when this runs as root on a Debian or Ubuntu machine; otherwise says exactly what to
# run and stops, before anything else is done.
function Install-Prerequisites {
    if ($IsWindows -or $IsMacOS) { throw 'The lab needs Linux (Debian or Ubuntu): it runs Docker and systemd in containers.' }
    $missing = @($Prerequisites.GetEnumerator() | Where-Object { -not (Get-Command $_.Key -CommandType Application -ErrorAction Ignore) } |
            ForEach-Object Value | Select-Object -Unique)
    # busybox from the busybox package is dynamically linked: the lab's image needs the static one.
    if ('busybox-static' -notin $missing -and -not (Test-Path /bin/busybox) -and -not (Get-Command busybox -ErrorAction Ignore)) { $missing += 'busybox-static' }
    if ($missing.Count -eq 0) { return }
    $install = "apt-get install -y --no-install-recommends $($missing -join ' ')"
    if (-not (Get-Command apt-get -ErrorAction Ignore)) {
        throw "Missing: $($missing -join ', '). This machine has no apt-get; install the equivalent packages, then run this again."
    }
    if ((& id -u) -ne '0') {
        throw "Missing: $($missing -join ', '). Install them, then run this again:`n    sudo apt-get update && sudo $install"
    }
    Write-Host "Installing $($missing -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-qq')
    Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $Root 'SwarmPS.psd1')).ModuleVersion
}

function Invoke-Build {
    $staging = Join-Path $Out 'staging'
    Remove-Item -Recurse -Force $ModuleOut, $staging -ErrorAction Ignore
    Write-Host "Publishing SwarmPS $(Get-ModuleVersion) ($Configuration)"
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/SwarmPS/SwarmPS.csproj'), '-c', $Configuration, '-o', (Join-Path $staging 'cmdlets'), '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/SwarmPS.Engine/SwarmPS.Engine.csproj'), '-c', $Configuration, '-o', (Join-Path $staging 'engine'), '--nologo', '-v', 'quiet')

    $dependencies = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'dependencies')
    # Default context: the cmdlets and the output types, which scripts must be able to name.
    foreach ($name in 'SwarmPS', 'SwarmPS.Model') {
        Copy-Item (Join-Path $staging "cmdlets/$name.dll") $ModuleOut
        Copy-Item (Join-Path $staging "cmdlets/$name.pdb") $ModuleOut -ErrorAction Ignore
    }
    # Isolated context: the engine and every third-party library it brings, whatever they are.
    Get-ChildItem (Join-Path $staging 'engine') -File |
        Where-Object { $_.Name -notlike 'SwarmPS.Model.*' -and $_.Extension -in '.dll', '.pdb' } |
        Copy-Item -Destination $dependencies
    Copy-Item (Join-Path $Root 'SwarmPS.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'src/SwarmPS/SwarmPS.format.ps1xml') $ModuleOut
    if (Test-Path (Join-Path $Root 'src/SwarmPS/en-US')) {
        Copy-Item -Recurse (Join-Path $Root 'src/SwarmPS/en-US') $ModuleOut
    }
    $helpBuilder = Join-Path $Root 'tools/Build-Help.ps1'
    if (Test-Path $helpBuilder) {
        & $helpBuilder -DocsPath (Join-Path $Root 'docs/reference') -OutputPath (Join-Path $ModuleOut 'en-US')
    }

    $stray = Get-ChildItem $ModuleOut -Recurse -Filter 'System.Management.Automation.dll'
    if ($stray) { throw "The PowerShell reference assembly leaked into the module: $($stray.FullName -join ', ')" }
    Remove-Item -Recurse -Force $staging
    Write-Host "Module ready: $ModuleOut"
}

function Invoke-Lab {
    param([string] $Action)
    if ($IsWindows) { throw 'The lab needs Linux: it runs Docker and systemd in containers.' }
    $arguments = @($LabScript, $Action.ToLowerInvariant())
    if ($Action -eq 'Up') { $arguments += @('--nodes', "$Nodes") }
    $env:SWARMPS_LAB_DIR = $LabDir
    Invoke-Native bash $arguments
}

function Get-TrxCounts {
    param([string] $Directory)
    $passed = 0; $failed = 0
    foreach ($file in Get-ChildItem $Directory -Filter *.trx -ErrorAction Ignore) {
        $counters = ([xml](Get-Content -Raw $file.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

# An empty out/test-results for the trx files and the Pester summary.
function Initialize-TestResults {
    $results = Join-Path $Out 'test-results'
    Remove-Item -Recurse -Force $results -ErrorAction Ignore
    $null = New-Item -ItemType Directory -Force $results
    $results
}

# Runs the xunit tests; their console output goes to the host, their counts to trx files in $Results.
function Invoke-XunitTests {
    param([string] $Results)
    Write-Host 'Running xunit tests'
    & dotnet test (Join-Path $Root 'tests/SwarmPS.Tests/SwarmPS.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $Results
}

function Get-XunitCounts {
    param([string] $Results)
    $unit = Get-TrxCounts $Results
    if ($unit.Passed + $unit.Failed -eq 0) { $unit.Failed = 1; Write-Warning 'xunit ran no test.' }
    $unit
}

# Runs the Pester tests in a child pwsh against out/SwarmPS, which writes its counts to $Results/pester.json.
# With a lab file it runs them all; without one it leaves out the tests tagged Lab (the unit tier).
function Invoke-PesterTests {
    param([string] $Results, [string] $LabFile)
    $arguments = @(
        '-ModulePath', (Join-Path $ModuleOut 'SwarmPS.psd1'),
        '-SummaryPath', (Join-Path $Results 'pester.json'),
        '-ResultPath', (Join-Path $Results 'pester.xml')
    )
    if ($LabFile) {
        Write-Host 'Running Pester tests against out/SwarmPS in a child pwsh'
        $arguments += @('-LabFile', $LabFile)
    } else {
        Write-Host 'Running the Pester tests that need no lab (all not tagged Lab) against out/SwarmPS in a child pwsh'
        $arguments += @('-ExcludeTag', 'Lab')
    }
    # The filter travels in the environment: pwsh would glob-expand a bare '*' argument.
    $env:SWARMPS_TEST_FILTER = $PesterFilter
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterTests.ps1') @arguments
}

function Get-PesterCounts {
    param([string] $Results)
    $summary = Join-Path $Results 'pester.json'
    $counts = if (Test-Path $summary) { Get-Content -Raw $summary | ConvertFrom-Json }
    if ($counts -and $null -ne $counts.Passed -and $null -ne $counts.Failed) {
        $counts
    } else {
        Write-Warning 'Pester did not report a result.'
        [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
}

# Prints the closing line, "N passed, N failed", and exits 1 when anything failed.
function Write-TestSummary {
    param($Unit, $Pester)
    $passed = $Unit.Passed + $Pester.Passed
    $failed = $Unit.Failed + $Pester.Failed
    Write-Host "xunit: $($Unit.Passed) passed, $($Unit.Failed) failed; Pester: $($Pester.Passed) passed, $($Pester.Failed) failed"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

# The quick tier: xunit and the Pester tests that need no lab.
function Invoke-UnitTest {
    Invoke-Build
    $results = Initialize-TestResults
    Invoke-XunitTests $results
    $unit = Get-XunitCounts $results

    $pester = [pscustomobject]@{ Passed = 0; Failed = 0 }
    try {
        Invoke-PesterTests $results
        $pester = Get-PesterCounts $results
    }
    catch {
        Write-Warning "Pester failed: $_"
        $pester.Failed += 1
    }
    Write-TestSummary $unit $pester
}

# Everything: xunit and every Pester test, against the lab.
function Invoke-Test {
    Install-Prerequisites
    Invoke-Build
    $results = Initialize-TestResults
    Invoke-XunitTests $results
    $unit = Get-XunitCounts $results

    $pester = [pscustomobject]@{ Passed = 0; Failed = 0 }
    try {
        Invoke-Lab Up
        Invoke-PesterTests $results (Join-Path $LabDir 'lab.json')
        $pester = Get-PesterCounts $results
    }
    catch {
        Write-Warning "The lab or Pester failed: $_"
        $pester.Failed += 1
    }
    finally {
        if (-not $KeepLab) {
            try { Invoke-Lab Down } catch { Write-Warning "Taking the lab down failed: $_" }
        }
    }
    Write-TestSummary $unit $pester
}

# The walk from bare lab hosts to placed containers, as a user would type it; the lab stays up afterwards.
function Invoke-Demo {
    Install-Prerequisites
    Invoke-Build
    Invoke-Lab Up
    # From bare hosts, whatever an earlier run left on them.
    Invoke-Lab Reset
    $lab = Join-Path $LabDir 'lab.json'
    Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/Demo.ps1'), '-LabFile', $lab, '-ModulePath', (Join-Path $ModuleOut 'SwarmPS.psd1'))
    Write-Host ''
    Write-Host "The lab is still up ($lab). Take it down with: dotnet pwsh ./build.ps1 -Task Lab -LabAction Down"
}

switch ($Task) {
    'Build' { Invoke-Build }
    'UnitTest' { Invoke-UnitTest }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Lab' {
        if ($LabAction -eq 'Up') { Install-Prerequisites }
        Invoke-Lab $LabAction
    }
    'Clean' {
        Remove-Item -Recurse -Force $Out -ErrorAction Ignore
        Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
    }
}
