#requires -Version 7.4
<#
.SYNOPSIS
    Measures SwarmPS against the lab: connecting to hosts in parallel versus one at a time, the first
    and the second (idempotent) Enable-DockerTcpSocket, cluster formation, and container start.
.DESCRIPTION
    Performance is measured here, never asserted in tests. Run with the lab up and the module built:
        dotnet pwsh ./build.ps1 -Task Lab; dotnet pwsh ./build.ps1 -Task Build
        dotnet pwsh ./bench/Measure-Provisioning.ps1 -Repeat 3
    Writes one line per measurement (median of -Repeat runs) and the whole table as JSON to -OutputPath.
    The lab is reset before each run, so every run starts from bare hosts.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 20)] [int] $Repeat = 3,
    [string] $OutputPath = (Join-Path $PSScriptRoot '../out/bench/provisioning.json')
)

$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
$labDir = if ($env:SWARMPS_LAB_DIR) { $env:SWARMPS_LAB_DIR } else { Join-Path $root 'out/lab' }
$lab = Get-Content -Raw (Join-Path $labDir 'lab.json') | ConvertFrom-Json
$addresses = $lab.nodes | ForEach-Object address

function Reset-Lab { & bash (Join-Path $root 'tests/lab/lab.sh') reset 2>$null; if ($LASTEXITCODE) { throw 'lab reset failed' } }

function Measure-Step([string] $Name, [scriptblock] $Body) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    & $Body | Out-Null
    [pscustomobject]@{ Step = $Name; Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 2) }
}

$samples = foreach ($run in 1..$Repeat) {
    Reset-Lab
    $state = Join-Path ([IO.Path]::GetTempPath()) "swarmps-bench-$run"
    Remove-Item -Recurse -Force $state -ErrorAction Ignore
    $env:SWARMPS_STATE_DIR = $state
    $env:SWARMPS_KNOWN_HOSTS = Join-Path $state 'known_hosts'
    # Each run in a fresh pwsh, so module load and first connections are measured as a user meets them.
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$root/out/SwarmPS/SwarmPS.psd1'
`$results = & {
function Measure-Step([string] `$Name, [scriptblock] `$Body) {
    `$watch = [System.Diagnostics.Stopwatch]::StartNew(); & `$Body | Out-Null
    [pscustomobject]@{ Step = `$Name; Seconds = [math]::Round(`$watch.Elapsed.TotalSeconds, 2) }
}
`$addresses = '$($addresses -join "','")'
`$key = '$($lab.keyPath)'
# Warm-up, so neither connect measurement pays for loading and JIT-compiling the module.
Connect-SwarmHost -HostName `$addresses[0] -UserName core -KeyFile `$key -AcceptNewHostKey -WarningAction SilentlyContinue | Disconnect-SwarmHost -Confirm:`$false
Measure-Step 'Connect $($addresses.Count) hosts, one at a time' { foreach (`$a in `$addresses) { Connect-SwarmHost -HostName `$a -UserName core -KeyFile `$key -AcceptNewHostKey -WarningAction SilentlyContinue }; Get-SwarmHost | Disconnect-SwarmHost -Confirm:`$false }
Measure-Step 'Connect $($addresses.Count) hosts in parallel' { `$addresses | Connect-SwarmHost -UserName core -KeyFile `$key }
Measure-Step 'Enable-DockerTcpSocket, first run (TLS, restart)' { `$addresses | Enable-DockerTcpSocket -Label storage=ssd -Confirm:`$false }
Measure-Step 'Enable-DockerTcpSocket, second run (no change)' { `$addresses | Enable-DockerTcpSocket -Label storage=ssd -Confirm:`$false }
Measure-Step 'New-SwarmCluster + Start-SwarmManager + Join-SwarmNode' { New-SwarmCluster -Name bench; Start-SwarmManager -HostName `$addresses[0] -Confirm:`$false; `$addresses | Select-Object -Skip 1 | ForEach-Object { Join-SwarmNode -HostName `$_ -Confirm:`$false } }
Measure-Step 'Get-SwarmNode' { Get-SwarmNode }
Measure-Step 'New-SwarmContainer (until running)' { New-SwarmContainer -Name b1 -Image swarmps/busybox -Command sleep, 600 -Constraint 'storage==ssd' -Confirm:`$false }
Measure-Step 'Get-SwarmContainer (all nodes)' { Get-SwarmContainer }
}
Remove-SwarmCluster -Name bench -Confirm:`$false
`$results | ConvertTo-Json -Compress
"@
    $file = Join-Path ([IO.Path]::GetTempPath()) "swarmps-bench-$run.ps1"
    Set-Content -Path $file -Value $script
    & dotnet pwsh -NoProfile -NonInteractive -File $file | Select-Object -Last 1 | ConvertFrom-Json
    if ($LASTEXITCODE) { throw "Run $run failed." }
    Remove-Item $file
    Remove-Item -Recurse -Force $state -ErrorAction Ignore
}
Reset-Lab

$table = $samples | Group-Object Step | ForEach-Object {
    $sorted = $_.Group.Seconds | Sort-Object
    [pscustomobject]@{ Step = $_.Name; MedianSeconds = $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]; Runs = $sorted -join ', ' }
}
$null = New-Item -ItemType Directory -Force (Split-Path $OutputPath)
$table | ConvertTo-Json | Set-Content $OutputPath
$table | Format-Table -AutoSize
