# A cluster reached over SSH only: engine labels set over SSH, managers and workers reached through their SSH
# sessions (docker system dial-stdio), and no Engine API port open on any node, from bare hosts.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    # The TCP ports a node listens on, as ss shows them.
    function Get-ListeningPort($Node) {
        @(Invoke-LabSsh -Node $Node -Command "ss -ltnH | awk '{print `$4}' | sed 's/.*://' | sort -un") | Where-Object { $_ -match '^\d+$' } | ForEach-Object { [int] $_ }
    }
}

AfterAll {
    Remove-SwarmCluster -Name sshonly -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'A cluster over SSH only' -Tag Lab {
    It 'labels the bare engines over SSH, with no TCP socket, and says Changed False the second time' {
        $Lab.nodes | ForEach-Object address | Connect-SwarmHost -UserName core -KeyFile $Lab.keyPath -AcceptNewHostKey | Out-Null
        $labelled = @(
            [pscustomobject]@{ HostName = $Node1.address; Label = 'storage=ssd' }
            [pscustomobject]@{ HostName = $Node2.address; Label = 'storage=disk' }
            [pscustomobject]@{ HostName = $Node3.address; Label = 'storage=disk' }
        ) | Set-DockerHost -Confirm:$false
        $labelled.Count | Should -Be 3
        $labelled | ForEach-Object { $_.Changed | Should -BeTrue; $_.Endpoint | Should -BeLike 'ssh://*' }
        ($labelled | Where-Object Name -eq $Node1.address).Labels['storage'] | Should -Be 'ssd'
        Invoke-LabSsh -Node $Node2 -Command "sudo -n docker info --format '{{json .Labels}}'" | Should -Be '["storage=disk"]'

        $again = Set-DockerHost -HostName $Node1.address -Label @{ storage = 'ssd' } -Confirm:$false
        $again.Changed | Should -BeFalse
    }

    It 'refuses a malformed label before anything changes' {
        $failure = $null
        Set-DockerHost -HostName $Node1.address -Label 'no-equals-sign' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure | Out-Null
        $failure[0].FullyQualifiedErrorId | Should -Be 'LabelInvalid,SwarmPS.Commands.SetDockerHostCommand'
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker info --format '{{json .Labels}}'" | Should -Be '["storage=ssd"]'
    }

    It 'merges two rows for one host into one apply, and stops on two values for one label before any host changes' {
        $rows = @(
            [pscustomobject]@{ HostName = $Node2.address; Label = 'zone=b' }
            [pscustomobject]@{ HostName = $Node2.address; Label = 'tier=web' }
        )
        $pidBefore = Invoke-LabSsh -Node $Node2 -Command 'systemctl show -p MainPID --value docker'
        $merged = @($rows | Set-DockerHost -Confirm:$false)
        $merged.Count | Should -Be 1
        $merged[0].Changed | Should -BeTrue
        # A change of labels reloads the engine (SIGHUP): the same dockerd keeps running.
        $pidBefore | Should -Match '^[1-9]\d*$'
        Invoke-LabSsh -Node $Node2 -Command 'systemctl show -p MainPID --value docker' | Should -Be $pidBefore
        (Invoke-LabSsh -Node $Node2 -Command "sudo -n docker info --format '{{json .Labels}}'" | ConvertFrom-Json | Sort-Object) -join ',' | Should -Be 'storage=disk,tier=web,zone=b'

        $conflicting = @(
            [pscustomobject]@{ HostName = $Node1.address; Label = 'zone=a' }
            [pscustomobject]@{ HostName = $Node3.address; Label = 'zone=c' }
            [pscustomobject]@{ HostName = $Node3.address; Label = 'zone=d' }
        )
        { $conflicting | Set-DockerHost -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'LabelConflict,SwarmPS.Commands.SetDockerHostCommand'
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker info --format '{{json .Labels}}'" | Should -Be '["storage=ssd"]'
        Invoke-LabSsh -Node $Node3 -Command "sudo -n docker info --format '{{json .Labels}}'" | Should -Be '["storage=disk"]'
    }

    It 'builds a three-node cluster with -Transport Ssh, advertising the hosts'' addresses on 2377' {
        New-SwarmCluster -Name sshonly | Out-Null
        $manager = Start-SwarmManager -HostName $Node1.address -Transport Ssh -Confirm:$false
        $manager.Role | Should -Be 'manager'
        $workers = Join-SwarmNode -HostName $Node2.address, $Node3.address -Transport Ssh -Confirm:$false
        @($workers).Count | Should -Be 2

        $nodes = Get-SwarmNode
        @($nodes).Count | Should -Be 3
        ($nodes | Where-Object Hostname -eq $Node1.name).Labels['storage'] | Should -Be 'ssd'
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker node inspect self --format '{{.ManagerStatus.Addr}}'" | Should -Be "$($Node1.address):2377"
    }

    It 'leaves no Engine API port open on any node' {
        foreach ($node in $Lab.nodes) {
            $ports = Get-ListeningPort $node
            $ports | Should -Contain 22 -Because "ss must list sshd on $($node.name), or this check proves nothing"
            $ports | Should -Not -Contain 2375 -Because "$($node.name) must not expose the Engine API"
            $ports | Should -Not -Contain 2376 -Because "$($node.name) must not expose the Engine API"
        }
    }

    It 'saves each member with its SSH transport and login, and no secret' {
        $saved = Get-Content -Raw (Join-Path $env:SWARMPS_STATE_DIR 'clusters/sshonly.json') | ConvertFrom-Json
        $saved.members.Count | Should -Be 3
        $saved.members | ForEach-Object {
            $_.transport | Should -Be 'Ssh'
            $_.sshUser | Should -Be 'core'
            $_.keyFile | Should -Be (Resolve-Path $Lab.keyPath).Path
        }
    }

    It 'runs a constrained container and lists it' {
        $db = New-SwarmContainer -Name db -Image $Lab.image -Command sleep, 3600 -Constraint 'storage==ssd' -Confirm:$false
        $db.Node | Should -Be $Node1.name
        (Get-SwarmContainer -Name db).State | Should -Be 'running'
    }

    It 'works again from a new PowerShell session once Connect-SwarmHost has opened the sessions' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:SWARMPS_TEST_MODULE'
`$before = try { Get-SwarmNode -Cluster sshonly | Out-Null; 'no error' } catch { `$_.FullyQualifiedErrorId + '|' + `$_.Exception.Message }
'$($Node1.address)', '$($Node2.address)', '$($Node3.address)' | Connect-SwarmHost -UserName core -KeyFile '$($Lab.keyPath)' | Out-Null
`$nodes = @(Get-SwarmNode -Cluster sshonly)
`$db = Get-SwarmContainer -Cluster sshonly -Name db
[pscustomobject]@{ Before = `$before; Nodes = `$nodes.Count; Db = `$db.State; DbNode = `$db.Node } | ConvertTo-Json -Compress
"@
        $out = & dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $result = ($out | Select-Object -Last 1) | ConvertFrom-Json
        $result.Before | Should -BeLike 'HostNotConnected,SwarmPS.Commands.GetSwarmNodeCommand|*Connect-SwarmHost -HostName*-UserName core*-KeyFile*'
        $result.Nodes | Should -Be 3
        $result.Db | Should -Be 'running'
        $result.DbNode | Should -Be $Node1.name
    }
}
