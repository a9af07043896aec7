# Shared by the Pester tests: the lab's description, a scratch state directory, and plain ssh to
# the lab's nodes (for checks that must not go through SwarmPS itself).

function Get-Lab {
    if (-not $env:SWARMPS_TEST_LAB -or -not (Test-Path $env:SWARMPS_TEST_LAB)) {
        throw "The lab is not up: no lab file at '$env:SWARMPS_TEST_LAB'. Run ./build.ps1 -Task Lab -LabAction Up."
    }
    Get-Content -Raw $env:SWARMPS_TEST_LAB | ConvertFrom-Json
}

# Points SwarmPS's state and known_hosts at a fresh scratch folder, never the user's real ones.
function Initialize-TestState {
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("swarmps-test-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $null = New-Item -ItemType Directory -Force $root
    $env:SWARMPS_STATE_DIR = Join-Path $root 'state'
    $env:SWARMPS_KNOWN_HOSTS = Join-Path $root 'known_hosts'
    $root
}

function Get-LabSshArguments {
    param([Parameter(Mandatory)] $Node)
    $lab = Get-Lab
    @(
        '-i', $Node.keyPath,
        '-o', "UserKnownHostsFile=$(Join-Path (Split-Path $env:SWARMPS_TEST_LAB) 'known_hosts')",
        '-o', 'StrictHostKeyChecking=accept-new',
        '-o', 'BatchMode=yes',
        '-o', 'LogLevel=ERROR',
        '-o', 'ConnectTimeout=10',
        '-p', "$($Node.sshPort)",
        "$($Node.user)@$($Node.address)"
    )
}

# Runs a command on a lab node with the plain OpenSSH client; returns its output lines.
function Invoke-LabSsh {
    param(
        [Parameter(Mandatory)] $Node,
        [Parameter(Mandatory)] [string] $Command
    )
    $arguments = Get-LabSshArguments -Node $Node
    & ssh @arguments $Command 2>&1
}

# Returns every lab node to bare (no TCP socket, no labels, no swarm).
function Reset-Lab {
    $env:SWARMPS_LAB_DIR = Split-Path $env:SWARMPS_TEST_LAB
    & bash (Join-Path $PSScriptRoot '../lab/lab.sh') reset | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "lab.sh reset failed with exit code $LASTEXITCODE" }
}

Export-ModuleMember -Function Get-Lab, Initialize-TestState, Get-LabSshArguments, Invoke-LabSsh, Reset-Lab
