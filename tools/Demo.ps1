#requires -Version 7.4
<#
.SYNOPSIS
    The walk from bare hosts to placed containers on the lab, printed as a user would see it.
.DESCRIPTION
    Run by ./build.ps1 -Task Demo (and by a test on every Test run). Each step prints the command, then what it
    writes. SwarmPS's state (CA, clusters, known_hosts) goes to out/demo, never to the user's own.
#>
param(
    [Parameter(Mandatory)] [string] $LabFile,
    [Parameter(Mandatory)] [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$lab = Get-Content -Raw $LabFile | ConvertFrom-Json
$demo = Join-Path (Split-Path (Split-Path $ModulePath)) 'demo'
Remove-Item -Recurse -Force $demo -ErrorAction Ignore
$null = New-Item -ItemType Directory -Force $demo
$env:SWARMPS_STATE_DIR = Join-Path $demo 'state'
$env:SWARMPS_KNOWN_HOSTS = Join-Path $demo 'known_hosts'
$ProgressPreference = 'SilentlyContinue'

# Colours on a terminal; plain text into a file or a pipe (a CI log, a test).
$plain = [Console]::IsOutputRedirected
if ($plain) { $PSStyle.OutputRendering = 'PlainText' }
function Say([string] $Text, [ConsoleColor] $Color) {
    if ($plain) { Write-Host $Text } else { Write-Host $Text -ForegroundColor $Color }
}

# Prints a step's command as typed at the prompt, then runs it and shows its output as the console would: one
# table per kind of object, wide enough for every column.
function Step([string] $Title, [scriptblock] $Command) {
    Say '' White
    Say "# $Title" Cyan
    foreach ($line in ($Command.ToString().Trim() -split "`n")) { Say "PS> $($line.Trim())" Yellow }
    $batch = [System.Collections.Generic.List[object]]::new()
    $kind = $null
    foreach ($item in & $Command) {
        $itemKind = if ($item -is [psobject]) { $item.PSObject.TypeNames[0] } else { $item.GetType().FullName }
        if ($batch.Count -gt 0 -and $itemKind -ne $kind) {
            $batch | Out-String -Width 200 | Write-Host -NoNewline
            $batch.Clear()
        }
        $kind = $itemKind
        $batch.Add($item)
    }
    if ($batch.Count -gt 0) { $batch | Out-String -Width 200 | Write-Host -NoNewline }
}

Import-Module $ModulePath
$addresses = @($lab.nodes | ForEach-Object address)
$ssd, $disk = $addresses[0], @($addresses | Select-Object -Skip 1)
$csv = Join-Path $demo 'hosts.csv'
@([pscustomobject]@{ HostName = $ssd; Label = 'storage=ssd' }) + @($disk | ForEach-Object { [pscustomobject]@{ HostName = $_; Label = 'storage=disk' } }) |
    Export-Csv -NoTypeInformation $csv
$key = $lab.keyPath

Step 'Connect to the bare hosts over SSH (host keys are pinned on first use)' {
    $addresses | Connect-SwarmHost -UserName $lab.user -KeyFile $key -AcceptNewHostKey
}
Step 'Expose each Engine API behind mutual TLS, with labels from a CSV' {
    Import-Csv $csv | Enable-DockerTcpSocket -Confirm:$false
}
Step 'Run it again: nothing changes' {
    Import-Csv $csv | Enable-DockerTcpSocket -Confirm:$false | Select-Object Name, Changed, Labels
}
Step 'One swarm: a cluster, a manager, the other nodes joined' {
    New-SwarmCluster -Name demo
    Start-SwarmManager -HostName $ssd -Confirm:$false
    $disk | Join-SwarmNode -Confirm:$false
}
Step 'The nodes, and the one with an SSD' {
    Get-SwarmNode
    Get-SwarmNode | Where Labels.storage -eq ssd
}
Step 'Log in to the private registry once: the nodes pull from it with that login' {
    $password = ConvertTo-SecureString $lab.registry.password -AsPlainText -Force
    Connect-SwarmRegistry $lab.registry.address -Credential ([pscredential]::new($lab.registry.user, $password))
}
$image = $lab.registry.image
Step 'A database on the SSD node, two web servers on the disk nodes, from the registry' {
    New-SwarmContainer -Name db -Image $image -Command sleep, 3600 -Constraint 'storage==ssd' -Confirm:$false
    'web1', 'web2' | ForEach-Object {
        New-SwarmContainer -Name $_ -Image $image -Command httpd, -f, -p, 80 -Publish 80 -Constraint 'storage==disk' -Confirm:$false
    }
}
Step 'Where each container landed, and on which host port' {
    Get-SwarmContainer
}
Step 'The image each one runs: pinned to the digest the registry gave' {
    Get-SwarmContainer | Select-Object Name, Node, Image, ImageDigest
}
Step 'A constraint no node meets fails at once, and says why' {
    New-SwarmContainer -Name fast -Image $lab.image -Constraint 'storage==nvme' -Confirm:$false -ErrorAction Continue 2>&1 |
        ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
}
Write-Host ''
Write-Host "Done. To go on by hand: `$env:SWARMPS_STATE_DIR = '$env:SWARMPS_STATE_DIR'; `$env:SWARMPS_KNOWN_HOSTS = '$env:SWARMPS_KNOWN_HOSTS'; Import-Module $ModulePath"
