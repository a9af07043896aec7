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

# Prints a step's command as typed at the prompt, then runs it and shows its output as the console would.
function Step([string] $Title, [scriptblock] $Command) {
    Write-Host ''
    Write-Host "# $Title" -ForegroundColor Cyan
    foreach ($line in ($Command.ToString().Trim() -split "`n")) { Write-Host "PS> $($line.Trim())" -ForegroundColor Yellow }
    & $Command | Out-Host
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
Step 'A database on the SSD node, two web servers on the disk nodes' {
    New-SwarmContainer -Name db -Image $lab.image -Command sleep, 3600 -Constraint 'storage==ssd' -Confirm:$false
    'web1', 'web2' | ForEach-Object {
        New-SwarmContainer -Name $_ -Image $lab.image -Command httpd, -f, -p, 80 -Publish 80 -Constraint 'storage==disk' -Confirm:$false
    }
}
Step 'Where each container landed, and on which host port' {
    Get-SwarmContainer
}
if ($lab.PSObject.Properties['registry']) {
    Step 'An image from a private registry: log in once, then the nodes pull it' {
        $password = ConvertTo-SecureString $lab.registry.password -AsPlainText -Force
        Connect-SwarmRegistry $lab.registry.address -Credential ([pscredential]::new($lab.registry.user, $password))
        New-SwarmContainer -Name cache -Image $lab.registry.image -Command sleep, 3600 -Constraint 'storage==disk' -Confirm:$false |
            Select-Object Name, Node, Image, State
    }
}
Step 'A constraint no node meets fails at once, and says why' {
    New-SwarmContainer -Name fast -Image $lab.image -Constraint 'storage==nvme' -Confirm:$false -ErrorAction Continue 2>&1 |
        ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
}
Write-Host ''
Write-Host "Done. To go on by hand: `$env:SWARMPS_STATE_DIR = '$env:SWARMPS_STATE_DIR'; `$env:SWARMPS_KNOWN_HOSTS = '$env:SWARMPS_KNOWN_HOSTS'; Import-Module $ModulePath"
