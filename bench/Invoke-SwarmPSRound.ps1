#requires -Version 7.4
<#
.SYNOPSIS
    One SwarmPS round of the provisioning benchmark, in its own pwsh process: bare hosts to a labeled swarm,
    then (with -DayTwo) the second run, a label change with containers running, and warm reads.
.DESCRIPTION
    Called by Measure-Provisioning.ps1, which resets the lab before each round and points SWARMPS_STATE_DIR and
    SWARMPS_KNOWN_HOSTS at a folder of its own. The module is imported before the clock starts, as in a session
    where it is already loaded; the first command still pays for loading SSH.NET and Docker.DotNet.
    Writes one JSON object (seconds per step, and what was checked) as the last line of output.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Tls', 'Ssh')] [string] $Transport,
    # The hosts, comma-separated (pwsh -File passes every argument as one string).
    [Parameter(Mandatory)] [string] $AddressList,
    [Parameter(Mandatory)] [string] $UserName,
    [Parameter(Mandatory)] [string] $KeyFile,
    [Parameter(Mandatory)] [string] $ModulePath,
    # A known_hosts of the benchmark's own, for the ssh CLI that reads engine pids and container start times.
    [Parameter(Mandatory)] [string] $LabKnownHosts,
    [switch] $DayTwo,
    [switch] $WarmReads,
    [ValidateRange(5, 1000)] [int] $ReadSamples = 40
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath

$Address = @($AddressList -split ',')
$result = [ordered]@{ Transport = $Transport; Nodes = $Address.Count }
$manager = $Address[0]
$workers = @($Address | Select-Object -Skip 1)
$engineTransport = if ($Transport -eq 'Tls') { 'Tcp' } else { 'Ssh' }

# The seed's labels: storage=ssd on the first host, storage=disk on the others.
function Get-LabelRows([string[]] $Extra = @()) {
    for ($i = 0; $i -lt $Address.Count; $i++) {
        [pscustomobject]@{ HostName = $Address[$i]; Label = @(@(if ($i -eq 0) { 'storage=ssd' } else { 'storage=disk' }) + $Extra) }
    }
}

function Measure-Seconds([scriptblock] $Body) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $output = @(& $Body)
    $watch.Stop()
    [pscustomobject]@{ Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 3); Output = $output }
}

# Label the engines (TLS: Enable-DockerTcpSocket; SSH: Set-DockerHost), then the swarm. Every host at once where the
# cmdlet takes many: Connect, Enable/Set and Join fan out in parallel.
function Invoke-Provisioning([string[]] $Extra = @()) {
    $steps = [ordered]@{}
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Get-LabelRows | Connect-SwarmHost -UserName $UserName -KeyFile $KeyFile -AcceptNewHostKey -WarningAction SilentlyContinue
    $steps.Connect = $watch.Elapsed.TotalSeconds
    if ($Transport -eq 'Tls') {
        Get-LabelRows $Extra | Enable-DockerTcpSocket -Confirm:$false
    }
    else {
        Get-LabelRows $Extra | Set-DockerHost -Confirm:$false
    }
    $steps.Label = $watch.Elapsed.TotalSeconds
    New-SwarmCluster -Name bench
    Start-SwarmManager -HostName $manager -Transport $engineTransport -Confirm:$false
    $steps.Manager = $watch.Elapsed.TotalSeconds
    if ($workers) { Join-SwarmNode -HostName $workers -Transport $engineTransport -Confirm:$false }
    $steps.Join = $watch.Elapsed.TotalSeconds
    # Seconds at which each step ended, for the breakdown in the JSON.
    $script:lastSteps = ($steps.GetEnumerator() | ForEach-Object { '{0} {1:N2}' -f $_.Key, $_.Value }) -join ', '
}

# The engine's pid and every container's start time on each host, read with the ssh CLI outside the clock.
function Get-EngineState {
    foreach ($a in $Address) {
        $text = & ssh -i $KeyFile -o "UserKnownHostsFile=$LabKnownHosts" -o StrictHostKeyChecking=accept-new -o BatchMode=yes -o LogLevel=ERROR "$UserName@$a" `
            'sudo sh -c ''systemctl show -p MainPID --value docker; ids=$(docker ps -q); [ -z "$ids" ] || docker inspect -f "{{.Id}} {{.State.StartedAt}}" $ids'''
        if ($LASTEXITCODE) { throw "ssh to $a failed" }
        "$a $($text -join ' ')"
    }
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

$first = Measure-Seconds { Invoke-Provisioning }
$result.Provision = $first.Seconds
$result.ProvisionSteps = $script:lastSteps
$result.ProvisionChanged = @($first.Output | Where-Object { $_.PSObject.Properties['Changed'] -and $_.Changed }).Count
$nodes = @(Get-SwarmNode)
if ($nodes.Count -ne $Address.Count -or @($nodes | Where-Object { $_.Labels['storage'] }).Count -ne $Address.Count) {
    throw "Expected $($Address.Count) labeled nodes, got: $($nodes | ForEach-Object { "$($_.Hostname) $($_.Labels['storage'])" })"
}

if ($DayTwo) {
    # Second run: nothing to change, no engine restarted.
    $before = Get-EngineState
    $second = Measure-Seconds { Invoke-Provisioning }
    $result.SecondRun = $second.Seconds
$result.SecondRunSteps = $script:lastSteps
    $result.SecondRunChanged = @($second.Output | Where-Object { $_.PSObject.Properties['Changed'] -and $_.Changed }).Count
    $result.SecondRunEnginesKept = [string]::Join("`n", $before) -eq [string]::Join("`n", (Get-EngineState))

    # A label change on every host with a container running on each: a reload, no restart.
    $null = New-SwarmContainer -Name bench-day2 -Image swarmps/busybox -Command sleep, 3600 -Mode Global -Confirm:$false -WarningAction SilentlyContinue
    $before = Get-EngineState
    $change = Measure-Seconds {
        if ($Transport -eq 'Tls') { Get-LabelRows 'zone=a' | Enable-DockerTcpSocket -Confirm:$false }
        else { Get-LabelRows 'zone=a' | Set-DockerHost -Confirm:$false }
    }
    $after = Get-EngineState
    $result.LabelChange = $change.Seconds
    $result.LabelChangeChanged = @($change.Output | Where-Object Changed).Count
    $result.LabelChangeContainersKept = [string]::Join("`n", $before) -eq [string]::Join("`n", $after)
    $result.LabelChangeContainers = @(Get-SwarmContainer -Name bench-day2).Count
}

if ($WarmReads -and $Transport -eq 'Tls') {
    # The floor: one GET /nodes on a kept-alive mutual-TLS connection to the same manager, with the SwarmPS client
    # certificate, the JSON parsed; measured side by side with the cmdlets, in this process.
    $tls = Join-Path $env:SWARMPS_STATE_DIR 'tls'
    $handler = [Net.Http.SocketsHttpHandler]::new()
    $handler.SslOptions.ClientCertificates = [Security.Cryptography.X509Certificates.X509CertificateCollection]::new()
    $null = $handler.SslOptions.ClientCertificates.Add([Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile((Join-Path $tls 'client-cert.pem'), (Join-Path $tls 'client-key.pem')))
    $ca = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw (Join-Path $tls 'ca.pem')))
    $policy = [Security.Cryptography.X509Certificates.X509ChainPolicy]::new()
    $policy.TrustMode = 'CustomRootTrust'
    $policy.RevocationMode = 'NoCheck'
    $null = $policy.CustomTrustStore.Add($ca)
    $handler.SslOptions.CertificateChainPolicy = $policy
    $http = [Net.Http.HttpClient]::new($handler)
    $uri = "https://${manager}:2376/v1.41/nodes"
    $raw = { $null = [Text.Json.JsonDocument]::Parse($http.GetStringAsync($uri).GetAwaiter().GetResult()) }
    $getNode = { $null = Get-SwarmNode }
    $getContainer = { $null = Get-SwarmContainer }

    $null = New-SwarmContainer -Name bench-reads -Image swarmps/busybox -Command sleep, 3600 -Replicas $Address.Count -MaxReplicasPerNode 1 -Confirm:$false -WarningAction SilentlyContinue
    foreach ($warm in 1..5) { & $raw; & $getNode; & $getContainer }
    $samples = @{ Raw = [Collections.Generic.List[double]]::new(); Node = [Collections.Generic.List[double]]::new(); Container = [Collections.Generic.List[double]]::new() }
    foreach ($i in 1..$ReadSamples) {
        # Interleaved, so drift on the machine touches all three alike.
        foreach ($pair in @(@('Raw', $raw), @('Node', $getNode), @('Container', $getContainer))) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            & $pair[1]
            $samples[$pair[0]].Add($watch.Elapsed.TotalMilliseconds)
        }
    }

    $result.RawGetNodesMs = [math]::Round((Get-Median $samples.Raw), 2)
    $result.GetSwarmNodeMs = [math]::Round((Get-Median $samples.Node), 2)
    $result.GetSwarmContainerMs = [math]::Round((Get-Median $samples.Container), 2)
    $result.ContainersListed = @(Get-SwarmContainer).Count
    $http.Dispose()
}

$result | ConvertTo-Json -Compress
