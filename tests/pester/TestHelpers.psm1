# Shared by the Pester tests: the lab's description, a scratch state directory, plain ssh to
# the lab's nodes (for checks that must not go through SwarmPS itself), and waits with a deadline.
# Importing it reads nothing: the unit tier (build.ps1 -Task UnitTest) runs without a lab.

# True when there is a lab file to read (build.ps1 -Task Test); false in the unit tier.
function Test-Lab {
    [bool]($env:SWARMPS_TEST_LAB -and (Test-Path $env:SWARMPS_TEST_LAB))
}

# The lab's description. Only tests tagged Lab may call it: the unit tier has no lab.
function Get-Lab {
    if (-not (Test-Lab)) {
        throw "The lab is not up: no lab file at '$env:SWARMPS_TEST_LAB'. Tests that need the lab are tagged Lab and run with ./build.ps1 -Task Test."
    }
    Get-Content -Raw $env:SWARMPS_TEST_LAB | ConvertFrom-Json
}

# Polls the condition until it gives a true value; when the deadline passes first, throws saying what was
# awaited (and how the last check failed, if it threw). Use it instead of a fixed Start-Sleep.
function Wait-Until {
    param(
        [Parameter(Mandatory, Position = 0)] [scriptblock] $Condition,
        [ValidateRange(0.05, 600)] [double] $Timeout = 30,
        # What the wait is for, as in "... until <Because>".
        [Parameter(Mandatory)] [string] $Because,
        [ValidateRange(0.01, 10)] [double] $Interval = 0.2
    )
    $deadline = [datetime]::UtcNow.AddSeconds($Timeout)
    while ($true) {
        $failure = $null
        try {
            if (& $Condition) { return }
        }
        catch {
            $failure = $_
        }
        if ([datetime]::UtcNow -ge $deadline) {
            $message = "Waited $Timeout s in vain until $Because."
            if ($failure) { $message += " The last check failed: $failure" }
            throw $message
        }
        Start-Sleep -Milliseconds ([int]($Interval * 1000))
    }
}

# The established TCP connections this process holds to Address:Port, as ss (iproute2) lists them.
# Shows from the client side whether SwarmPS has an SSH session open to a node, or has lost or closed it.
function Get-OwnTcpConnection {
    param(
        [Parameter(Mandatory)] [string] $Address,
        [int] $Port = 22
    )
    $lines = & ss -Htnp state established dst "$($Address):$Port"
    if ($LASTEXITCODE -ne 0) { throw "ss failed with exit code $LASTEXITCODE" }
    @($lines | Where-Object { $_ -match "pid=$PID," })
}

# Points SwarmPS's state and known_hosts at a fresh scratch folder, never the user's real ones.
function Initialize-TestState {
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("swarmps-test-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $null = New-Item -ItemType Directory -Force $root
    $env:SWARMPS_STATE_DIR = Join-Path $root 'state'
    $env:SWARMPS_KNOWN_HOSTS = Join-Path $root 'known_hosts'
    # The Docker CLI's configuration and context store too: tests never touch the real ~/.docker.
    $env:DOCKER_CONFIG = Join-Path $root 'docker'
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

Export-ModuleMember -Function Test-Lab, Get-Lab, Wait-Until, Get-OwnTcpConnection, Initialize-TestState, Get-LabSshArguments, Invoke-LabSsh, Reset-Lab
