#requires -Version 7.4
<#
.SYNOPSIS
    Times bare hosts to a labeled swarm on the lab: the hand-written baseline script against SwarmPS with mutual TLS
    and SwarmPS over SSH only, for several cluster sizes, from freshly reset nodes every time, in one run.
.DESCRIPTION
    Performance is measured here, never asserted in tests. Run with the module built; the lab is brought up (or
    resized) to the largest size asked, and reset before every sample:
        dotnet pwsh ./build.ps1 -Task Build
        dotnet pwsh ./bench/Measure-Provisioning.ps1                       # 1, 3, 5, 8 nodes, 3 rounds
        dotnet pwsh ./bench/Measure-Provisioning.ps1 -Nodes 5 -Rounds 5
    Each round runs every size and every variant, in an order that rotates from round to round, so drift on the
    machine touches all of them alike. The variants:
      Baseline  bench/baseline-seed.sh: ssh and the docker CLI, every host at once, plain TCP on 2375.
      Tls       SwarmPS: Connect-SwarmHost, Enable-DockerTcpSocket with the labels, New-SwarmCluster,
                Start-SwarmManager, Join-SwarmNode (mutual TLS on 2376).
      Ssh       SwarmPS over SSH only: Connect-SwarmHost, Set-DockerHost with the labels, then the same swarm
                commands with -Transport Ssh (no TCP socket, no engine restart).
    At -DayTwoNodes (5) both SwarmPS variants also time the second run (nothing to change), and a label change on
    every host with a container running on each (engine pids and container start times compared before and after).
    The Tls variant times warm Get-SwarmNode and Get-SwarmContainer against one raw GET /nodes at every size.
    Prints medians and the ratios to the baseline; writes every sample and the summary as JSON to -OutputPath.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 16)] [int[]] $Nodes = @(1, 3, 5, 8),
    [ValidateRange(1, 20)] [int] $Rounds = 3,
    [ValidateSet('Baseline', 'Tls', 'Ssh')] [string[]] $Variant = @('Baseline', 'Tls', 'Ssh'),
    [int] $DayTwoNodes = 5,
    [string] $OutputPath = (Join-Path $PSScriptRoot '../out/bench/provisioning.json')
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
$labScript = Join-Path $root 'tests/lab/lab.sh'
$labDir = if ($env:SWARMPS_LAB_DIR) { $env:SWARMPS_LAB_DIR } else { Join-Path $root 'out/lab' }
$modulePath = Join-Path $root 'out/SwarmPS/SwarmPS.psd1'
if (-not (Test-Path $modulePath)) { throw "Build the module first: dotnet pwsh ./build.ps1 -Task Build" }

$largest = ($Nodes | Measure-Object -Maximum).Maximum
$labFile = Join-Path $labDir 'lab.json'
$originalSize = if (Test-Path $labFile) { @((Get-Content -Raw $labFile | ConvertFrom-Json).nodes).Count } else { 0 }
& bash $labScript up --nodes $largest
if ($LASTEXITCODE) { throw "The lab did not come up with $largest nodes." }
$lab = Get-Content -Raw $labFile | ConvertFrom-Json
$work = Join-Path ([IO.Path]::GetTempPath()) "swarmps-bench-$PID"
$null = New-Item -ItemType Directory -Force $work

function Reset-Lab {
    & bash $labScript reset 2>&1 | Out-Null
    if ($LASTEXITCODE) { throw 'lab reset failed' }
}

function Invoke-Baseline([int] $Count) {
    # A lab file with the first $Count nodes, in a folder of its own (the script keeps its known_hosts beside it).
    $dir = Join-Path $work "baseline-$Count"
    Remove-Item -Recurse -Force $dir -ErrorAction Ignore
    $null = New-Item -ItemType Directory $dir
    $subset = [ordered]@{ user = $lab.user; keyPath = $lab.keyPath; nodes = @($lab.nodes | Select-Object -First $Count) }
    $subset | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $dir 'lab.json')
    $line = & bash (Join-Path $PSScriptRoot 'baseline-seed.sh') (Join-Path $dir 'lab.json') 2>$null | Select-Object -Last 1
    if ($LASTEXITCODE -or $line -notmatch 'seconds=([\d.]+)') { throw "baseline-seed.sh failed: $line" }
    [ordered]@{ Provision = [double]$Matches[1] }
}

function Invoke-SwarmPS([string] $Transport, [int] $Count) {
    $state = Join-Path $work "state-$Transport-$Count"
    Remove-Item -Recurse -Force $state -ErrorAction Ignore
    $env:SWARMPS_STATE_DIR = $state
    $env:SWARMPS_KNOWN_HOSTS = Join-Path $state 'known_hosts'
    $arguments = @(
        '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-SwarmPSRound.ps1'),
        '-Transport', $Transport, '-UserName', $lab.user, '-KeyFile', $lab.keyPath, '-ModulePath', $modulePath,
        '-LabKnownHosts', (Join-Path $work 'known_hosts'),
        '-AddressList', (($lab.nodes | Select-Object -First $Count | ForEach-Object address) -join ',')
    )
    if ($Count -eq $DayTwoNodes) { $arguments += '-DayTwo' }
    if ($Transport -eq 'Tls') { $arguments += '-WarmReads' }
    Write-Verbose "dotnet pwsh $($arguments -join ' ')"
    $output = & dotnet pwsh @arguments 2>&1
    if ($LASTEXITCODE) { throw "SwarmPS $Transport round on $Count nodes failed:`n$($output -join "`n")" }
    $output | Select-Object -Last 1 | ConvertFrom-Json -AsHashtable
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return $null }
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

$samples = [Collections.Generic.List[object]]::new()
$started = Get-Date
foreach ($round in 1..$Rounds) {
    foreach ($count in $Nodes) {
        # Rotate the order of the variants each round.
        $order = @($Variant)
        $shift = ($round - 1) % $order.Count
        $order = @($order[$shift..($order.Count - 1)]) + @(if ($shift) { $order[0..($shift - 1)] })
        foreach ($v in $order) {
            Reset-Lab
            $sample = if ($v -eq 'Baseline') { Invoke-Baseline $count } else { Invoke-SwarmPS $v $count }
            $sample.Round = $round
            $sample.Variant = $v
            $sample.Nodes = $count
            $samples.Add([pscustomobject]$sample)
            Write-Host ("round {0} {1,-8} {2} node(s): {3:N2} s" -f $round, $v, $count, $sample.Provision)
        }
    }
}
# Back to bare nodes, and to the lab's size before the run.
Reset-Lab
if ($originalSize -and $originalSize -ne $largest) { & bash $labScript up --nodes $originalSize 2>&1 | Out-Null }

$summary = foreach ($count in $Nodes) {
    $base = Get-Median @($samples | Where-Object { $_.Variant -eq 'Baseline' -and $_.Nodes -eq $count } | ForEach-Object Provision)
    foreach ($v in $Variant) {
        $set = @($samples | Where-Object { $_.Variant -eq $v -and $_.Nodes -eq $count })
        $median = Get-Median @($set.Provision)
        [pscustomobject]@{
            Nodes = $count
            Variant = $v
            MedianSeconds = [math]::Round($median, 2)
            VsBaseline = if ($base) { [math]::Round($median / $base, 2) } else { $null }
            Runs = ($set.Provision | ForEach-Object { '{0:N2}' -f $_ }) -join ', '
        }
    }
}

$scaling = foreach ($v in $Variant) {
    $one = ($summary | Where-Object { $_.Variant -eq $v -and $_.Nodes -eq ($Nodes | Measure-Object -Minimum).Minimum }).MedianSeconds
    $all = ($summary | Where-Object { $_.Variant -eq $v -and $_.Nodes -eq $largest }).MedianSeconds
    [pscustomobject]@{ Variant = $v; Ratio = "$largest/$(($Nodes | Measure-Object -Minimum).Minimum) nodes"; Value = if ($one) { [math]::Round($all / $one, 2) } else { $null } }
}

$dayTwo = foreach ($v in @('Tls', 'Ssh') | Where-Object { $_ -in $Variant }) {
    $set = @($samples | Where-Object { $_.Variant -eq $v -and $_.Nodes -eq $DayTwoNodes })
    if (-not $set) { continue }
    [pscustomobject]@{
        Variant = $v
        Nodes = $DayTwoNodes
        SecondRunSeconds = [math]::Round((Get-Median @($set.SecondRun)), 2)
        SecondRunChanged = ($set.SecondRunChanged | Measure-Object -Maximum).Maximum
        EnginesKept = -not ($set.SecondRunEnginesKept -contains $false)
        LabelChangeSeconds = [math]::Round((Get-Median @($set.LabelChange)), 2)
        ContainersKept = -not ($set.LabelChangeContainersKept -contains $false)
        LabelChangeRuns = ($set.LabelChange | ForEach-Object { '{0:N2}' -f $_ }) -join ', '
    }
}

$reads = foreach ($count in $Nodes) {
    $set = @($samples | Where-Object { $_.Variant -eq 'Tls' -and $_.Nodes -eq $count -and $_.RawGetNodesMs })
    if (-not $set) { continue }
    $raw = Get-Median @($set.RawGetNodesMs); $node = Get-Median @($set.GetSwarmNodeMs); $container = Get-Median @($set.GetSwarmContainerMs)
    [pscustomobject]@{
        Nodes = $count
        RawGetNodesMs = [math]::Round($raw, 1)
        GetSwarmNodeMs = [math]::Round($node, 1)
        NodeVsRaw = [math]::Round($node / $raw, 2)
        GetSwarmContainerMs = [math]::Round($container, 1)
        ContainerVsNode = [math]::Round($container / $node, 2)
    }
}

$machine = [ordered]@{
    Cpus = [Environment]::ProcessorCount
    MemoryGiB = [math]::Round(((Get-Content /proc/meminfo -TotalCount 1) -replace '\D', '') / 1MB, 1)
    Kernel = (uname -r)
    Os = (Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace 'PRETTY_NAME=|"', ''
    Started = $started.ToString('u')
    Minutes = [math]::Round(((Get-Date) - $started).TotalMinutes, 1)
}

$null = New-Item -ItemType Directory -Force (Split-Path $OutputPath)
[ordered]@{ Machine = $machine; Summary = $summary; Scaling = $scaling; DayTwo = $dayTwo; WarmReads = $reads; Samples = $samples } |
    ConvertTo-Json -Depth 6 | Set-Content $OutputPath
Remove-Item -Recurse -Force $work -ErrorAction Ignore

$summary | Format-Table -AutoSize | Out-Host
$scaling | Format-Table -AutoSize | Out-Host
$dayTwo | Format-Table -AutoSize | Out-Host
$reads | Format-Table -AutoSize | Out-Host
"Samples and summary: $OutputPath"
