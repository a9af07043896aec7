# Persistent data against the lab: a database-like container on the ssd node keeps its rows on a named volume
# through a restart and an image update; bind mounts, tmpfs, the refusals, and Get-/Remove-SwarmVolume.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    # Two tags of the same content on every node, for an image update that keeps the data; a config directory
    # on every node for the bind mount, and one that only core-01 has.
    foreach ($node in $Lab.nodes) {
        $made = Invoke-LabSsh -Node $node -Command "sudo -n docker volume rm -f dbdata >/dev/null 2>&1; sudo -n docker tag $($Lab.image) swarmps/store:1 && sudo -n docker tag $($Lab.image) swarmps/store:2 && sudo -n mkdir -p /srv/swarmps-conf && echo hello | sudo -n tee /srv/swarmps-conf/app.conf >/dev/null && sudo -n rm -rf /srv/swarmps-only-one && echo made"
        if ($made -ne 'made') { throw "Could not prepare $($node.name): $made" }
    }
    Invoke-LabSsh -Node $Node1 -Command 'sudo -n mkdir -p /srv/swarmps-only-one' | Out-Null
    New-LabCluster -Name storage

    function Get-ServiceName { @(Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service ls --format '{{.Name}}'") | Where-Object { $_ } }
    # Runs a command in the running container of a service on a node, as docker exec there.
    function Invoke-InContainer($Node, [string] $Service, [string] $Command) {
        $id = Invoke-LabSsh -Node $Node -Command "sudo -n docker ps -q -f label=com.docker.swarm.service.name=$Service -f status=running | head -n 1"
        if (-not $id) { throw "No running container of $Service on $($Node.name)." }
        Invoke-LabSsh -Node $Node -Command "sudo -n docker exec $id sh -c '$Command'"
    }
    function Get-Rows { @(Invoke-InContainer $Node1 db 'cat /data/rows') | Where-Object { $_ } }
    function Get-Failure([scriptblock] $Command) { try { & $Command; $null } catch { $_ } }
    $script:Db = @{ Name = 'db'; Image = 'swarmps/store:1'; Command = 'sh', '-c', 'echo row >> /data/rows; exec sleep 3600'; Constraint = 'storage==ssd'; Confirm = $false }
}

AfterAll {
    Remove-SwarmCluster -Name storage -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    foreach ($node in $Lab.nodes) {
        Invoke-LabSsh -Node $node -Command 'sudo -n docker volume rm -f dbdata >/dev/null 2>&1; sudo -n rm -rf /srv/swarmps-conf /srv/swarmps-only-one; sudo -n docker rmi swarmps/store:1 swarmps/store:2 >/dev/null 2>&1; true' | Out-Null
    }
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'A named volume keeps a container''s data' -Tag Lab {
    It 'runs the database on the ssd node with its data on volume dbdata, and shows the mount' {
        $db = New-SwarmContainer @Db -Volume 'dbdata:/data'
        $db.Node | Should -Be $Node1.name
        $db.Mounts | Should -Be @('type=volume,source=dbdata,target=/data')
        Get-Rows | Should -HaveCount 1
        (Get-SwarmContainer -Name db).Mounts | Should -Be @('type=volume,source=dbdata,target=/data')
    }

    It 'says the same mounts again change nothing, in either syntax' {
        $same = Set-SwarmContainer -Name db -Mount 'type=volume,src=dbdata,dst=/data/' -Confirm:$false
        $same.Changed | Should -Be $false
        Get-Rows | Should -HaveCount 1
    }

    It 'shows a mount change in -WhatIf and changes nothing' {
        # What-if text goes to the host, so read it from a child pwsh's console.
        $script = "`$env:SWARMPS_STATE_DIR='$env:SWARMPS_STATE_DIR'; `$env:SWARMPS_KNOWN_HOSTS='$env:SWARMPS_KNOWN_HOSTS'; Import-Module '$env:SWARMPS_TEST_MODULE'; Set-SwarmContainer -Name db -Volume 'dbdata:/data', 'cache:/cache' -WhatIf"
        $said = (& dotnet pwsh -NoProfile -NonInteractive -Command $script) -join ' '
        # Without white space: the console may wrap the long line anywhere.
        ($said -replace '\s', '') | Should -BeLike '*Whatif*db*Mounts:type=volume,source=dbdata,target=/data->type=volume,source=cache,target=/cache;type=volume,source=dbdata,target=/data*'
        (Get-SwarmContainer -Name db).Mounts | Should -HaveCount 1
    }

    It 'keeps the row through Restart-SwarmContainer: the new container adds its own to the same file' {
        Restart-SwarmContainer -Name db -Confirm:$false | Out-Null
        Wait-Until { @(Get-Rows).Count -eq 2 } -Because 'the restarted container has written its row next to the first' -Timeout 60
    }

    It 'keeps the rows through an image update to another tag' {
        $updated = Set-SwarmContainer -Name db -Image swarmps/store:2 -Confirm:$false
        $updated.Changed | Should -Be $true
        $updated.Image | Should -Be 'swarmps/store:2'
        $updated.Node | Should -Be $Node1.name
        Wait-Until { @(Get-Rows).Count -eq 3 } -Because 'the updated container has written its row next to the other two' -Timeout 60
    }

    It 'lists the volume on core-01 with the container that uses it' {
        $volume = Get-SwarmVolume -Name dbdata
        $volume | Should -HaveCount 1
        $volume | Should -BeOfType ([SwarmPS.SwarmVolume])
        $volume.Node | Should -Be $Node1.name
        $volume.Driver | Should -Be 'local'
        $volume.UsedBy | Should -Contain 'db'
        $volume.RunningUsers | Should -Contain 'db'
        @(Get-SwarmVolume -Name dbdata -Node $Node2.name -ErrorVariable missing -ErrorAction SilentlyContinue) | Should -HaveCount 0
        $missing[0].FullyQualifiedErrorId | Should -Be 'VolumeNotFound,SwarmPS.Commands.GetSwarmVolumeCommand'
        @(Get-SwarmVolume -Name 'dbd*') | Should -HaveCount 1
    }

    It 'refuses to remove the volume while the container uses it, naming it, even with -Force' {
        $failure = Get-Failure { Remove-SwarmVolume -Name dbdata -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'VolumeInUse,SwarmPS.Commands.RemoveSwarmVolumeCommand'
        $failure.Exception.Message | Should -Match "\bdb\b"
        $failure.TargetObject | Should -Be "$($Node1.name)/dbdata"
        (Get-Failure { Get-SwarmVolume -Name dbdata | Remove-SwarmVolume -Force -Confirm:$false -ErrorAction Stop }).FullyQualifiedErrorId | Should -Be 'VolumeInUse,SwarmPS.Commands.RemoveSwarmVolumeCommand'
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker volume ls -q' | Should -Contain 'dbdata'
    }

    It 'removes the volume once the container is gone, and a second time has nothing to do' {
        Remove-SwarmContainer -Name db -Confirm:$false
        Wait-Until { -not (Get-SwarmVolume -Name dbdata).InUse } -Because "swarm has removed db's containers" -Timeout 60
        Remove-SwarmVolume -Name dbdata -Confirm:$false | Should -BeNullOrEmpty
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker volume ls -q' | Should -Not -Contain 'dbdata'
        $again = Remove-SwarmVolume -Name dbdata -Confirm:$false -Verbose 4>&1 | Out-String
        $again | Should -Match 'nothing to remove'
        @(Get-SwarmVolume -Name 'dbdata*') | Should -HaveCount 0
    }
}

Describe 'Bind mounts and tmpfs' -Tag Lab {
    It 'mounts a directory of the node read-only' {
        $conf = New-SwarmContainer -Name conf -Image $Lab.image -Command sleep, 3600 -Mount 'type=bind,source=/srv/swarmps-conf,target=/conf,readonly' -Confirm:$false
        $conf.Mounts | Should -Be @('type=bind,source=/srv/swarmps-conf,target=/conf,readonly')
        $node = $Lab.nodes | Where-Object name -EQ $conf.Node
        Invoke-InContainer $node conf 'cat /conf/app.conf' | Should -Be 'hello'
        Invoke-InContainer $node conf 'if touch /conf/new 2>/dev/null; then echo writable; else echo readonly; fi' | Should -Be 'readonly'
    }

    It 'mounts a tmpfs of the size asked' {
        $scratch = New-SwarmContainer -Name scratch -Image $Lab.image -Command sleep, 3600 -Mount 'type=tmpfs,target=/scratch,tmpfs-size=16m' -Confirm:$false
        $node = $Lab.nodes | Where-Object name -EQ $scratch.Node
        Invoke-InContainer $node scratch 'grep " /scratch " /proc/mounts' | Should -Match '^tmpfs /scratch tmpfs .*size=16384k'
    }

    It 'refuses a relative target before anything is created' {
        $failure = Get-Failure { New-SwarmContainer -Name relative -Image $Lab.image -Command sleep, 3600 -Mount 'type=volume,source=x1,target=data' -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'MountTargetNotAbsolute,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-ServiceName | Should -Not -Contain 'relative'
    }

    It 'refuses a bind source that some eligible nodes lack, naming them, before anything is created' {
        $failure = Get-Failure { New-SwarmContainer -Name onlyone -Image $Lab.image -Command sleep, 3600 -Mount 'type=bind,source=/srv/swarmps-only-one,target=/x' -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'BindSourceNotFound,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.Exception.Message | Should -Match $Node2.name
        $failure.Exception.Message | Should -Match $Node3.name
        $failure.Exception.Message | Should -Not -Match "$($Node1.name),"
        Get-ServiceName | Should -Not -Contain 'onlyone'
        foreach ($node in $Lab.nodes) {
            # The check leaves nothing behind on the nodes.
            Invoke-LabSsh -Node $node -Command "sudo -n docker ps -a --format '{{.Image}}' | grep -c bind-source-probe" | Should -Be '0'
        }
    }

    It 'runs it where the source exists when the constraint says so' {
        (New-SwarmContainer -Name onlyone -Image $Lab.image -Command sleep, 3600 -Mount 'type=bind,source=/srv/swarmps-only-one,target=/x' -Constraint "node.hostname==$($Node1.name)" -Confirm:$false).Node | Should -Be $Node1.name
    }

    It 'refuses a Set-SwarmContainer mount change that names a missing source, and changes nothing' {
        $failure = Get-Failure { Set-SwarmContainer -Name conf -Mount 'type=bind,source=/srv/swarmps-missing,target=/conf' -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -Be 'BindSourceNotFound,SwarmPS.Commands.SetSwarmContainerCommand'
        (Get-SwarmContainer -Name conf).Mounts | Should -Be @('type=bind,source=/srv/swarmps-conf,target=/conf,readonly')
    }
}
