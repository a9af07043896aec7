# Workloads against the lab: containers placed by constraints, listed with node/name and host ports.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabWebImage -Tag latest
    New-LabCluster -Name seed
}

AfterAll {
    Remove-SwarmCluster -Name seed -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'New-SwarmContainer: the seed''s placements' -Tag Lab {
    It 'lands db on the ssd node with the classic constraint, and a second one there too' {
        $db = New-SwarmContainer -Name db -Image $Lab.image -Command sleep, 3600 -Constraint 'storage==ssd' -Confirm:$false
        $db | Should -BeOfType ([SwarmPS.SwarmContainer])
        $db.Node | Should -Be $Node1.name
        $db.Address | Should -Be $Node1.address
        $db.State | Should -Be 'running'
        $db.ContainerId | Should -Not -BeNullOrEmpty
        $db.ToString() | Should -Be "$($Node1.name)/db"
        (New-SwarmContainer -Name db2 -Image $Lab.image -Command sleep, 3600 -Constraint 'constraint:storage==ssd' -Confirm:$false).Node | Should -Be $Node1.name
    }

    It 'lands two web containers on disk nodes, each with a host port that answers' {
        $web = 'web1', 'web2' | ForEach-Object { New-SwarmContainer -Name $_ -Image swarmps/web -Constraint 'node.labels.storage==disk' -PublishAllPorts -Confirm:$false }
        $web | Should -HaveCount 2
        foreach ($container in $web) {
            $container.Node | Should -BeIn @($Node2.name, $Node3.name)
            $container.Ports | Should -HaveCount 1
            $container.Ports[0] | Should -Match "^$([regex]::Escape($container.Address)):\d+->80/tcp$"
            $hostPort = ($container.Ports[0] -split '[:\-]')[1]
            $code = & curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$($container.Address):$hostPort/"
            $code | Should -Match '^[2-4]\d\d$' -Because 'busybox httpd answers on the published host port'
        }
    }

    It 'publishes a fixed port with -Publish' {
        $fixed = New-SwarmContainer -Name fixed -Image swarmps/web -Publish '8080:80/tcp' -Constraint 'node==core-03' -Confirm:$false
        $fixed.Node | Should -Be 'core-03'
        $fixed.Ports | Should -Be @("$($Node3.address):8080->80/tcp")
    }

    It 'places on the nodes piped from Get-SwarmNode' {
        $piped = Get-SwarmNode | Where Labels.storage -eq ssd | New-SwarmContainer -Name piped -Image $Lab.image -Command sleep, 3600 -Confirm:$false
        $piped.Node | Should -Be $Node1.name
        $disk = Get-SwarmNode | Where Labels.storage -eq disk | New-SwarmContainer -Name piped-disk -Image $Lab.image -Command sleep, 3600 -Confirm:$false
        $disk.Node | Should -BeIn @($Node2.name, $Node3.name)
    }

    It 'changes nothing when run again' {
        $before = Get-SwarmContainer -Name db
        $again = New-SwarmContainer -Name db -Image $Lab.image -Command sleep, 3600 -Constraint 'storage==ssd' -Confirm:$false
        $again.Changed | Should -BeFalse
        $again.ContainerId | Should -Be $before.ContainerId
    }

    It 'returns at once with -NoWait' {
        $quick = New-SwarmContainer -Name later -Image $Lab.image -Command sleep, 3600 -NoWait -Confirm:$false
        $quick.State | Should -Be 'pending'
        $quick.ServiceId | Should -Not -BeNullOrEmpty
    }
}

Describe 'New-SwarmContainer: constraints nobody can meet' -Tag Lab {
    It 'fails fast with the labels each node has and the nearest match' {
        $failure = $null
        try { New-SwarmContainer -Name tape -Image $Lab.image -Constraint 'storage==tape' -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'NoNodeMatchesConstraint,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.Exception.Message | Should -BeLike '*core-01*storage=ssd*'
        $failure.Exception.Message | Should -BeLike '*core-02*storage=disk*'
        $failure.Exception.Message | Should -BeLike '*nearest*'
        Get-SwarmContainer | Where-Object Name -eq tape | Should -BeNullOrEmpty
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker service ls --format "{{.Name}}"' | Should -Not -Contain 'tape'
    }

    It 'refuses classic forms swarm cannot express, listing what is supported' {
        { New-SwarmContainer -Name rx -Image $Lab.image -Constraint 'storage==/ss.*/' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConstraintUnsupported,SwarmPS.Commands.NewSwarmContainerCommand'
        { New-SwarmContainer -Name rx -Image $Lab.image -Constraint 'storage=ssd' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConstraintInvalid,SwarmPS.Commands.NewSwarmContainerCommand'
    }

    It 'says when the image is on no node' {
        { New-SwarmContainer -Name nope -Image 'no/such-image:1' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ImageNotFound,SwarmPS.Commands.NewSwarmContainerCommand'
    }
}

Describe 'Get-SwarmContainer' -Tag Lab {
    It 'lists the cluster''s containers as node/name with host ports, like the seed''s docker -H swarm ps' {
        $all = Get-SwarmContainer
        ($all | ForEach-Object ToString) | Should -Contain "$($Node1.name)/db"
        ($all | Where-Object Name -like 'web*').Ports | Should -Match '->80/tcp$'
        $table = Get-SwarmContainer | Out-String -Width 120
        $table | Should -BeLike "*$($Node1.name)/db*"
        $table | Should -BeLike '*->80/tcp*'
    }

    It 'shows one node with -Node, like docker ps on that node' {
        $one = Get-SwarmContainer -Node $Node1.name
        $one | Should -Not -BeNullOrEmpty
        $one.Node | Sort-Object -Unique | Should -Be $Node1.name
        $engineCount = (Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker ps -q | wc -l')
        @($one).Count | Should -Be ([int]$engineCount)
    }

    It 'reports a name that runs nowhere' {
        { Get-SwarmContainer -Name nothing-here -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotFound,SwarmPS.Commands.GetSwarmContainerCommand'
    }

    It 'says how long a container has been up, as docker ps does' {
        (Get-SwarmContainer -Name db).Status | Should -Match '^Up (Less than a second|\d+ seconds?|About a minute|\d+ minutes)$'
    }

    It 'lists a container started on a node outside the swarm only with -IncludeStandalone, and reads its log there' {
        Invoke-LabSsh -Node $Node2 -Command "sudo -n docker run -d --name probe $($Lab.image) sh -c 'echo probing; sleep 600'" | Out-Null
        try {
            (Get-SwarmContainer).Name | Should -Not -Contain 'probe' -Because 'the manager does not know a container outside the swarm'
            $all = Get-SwarmContainer -IncludeStandalone
            $probe = $all | Where-Object Name -eq 'probe'
            $probe | Should -HaveCount 1
            $probe.ToString() | Should -Be "$($Node2.name)/probe"
            $probe.Address | Should -Be $Node2.address
            $probe.ServiceId | Should -BeNullOrEmpty
            # The node's engine lists the swarm's containers too; each is still listed once.
            @($all | Where-Object ServiceId | Group-Object ContainerId | Where-Object Count -gt 1) | Should -HaveCount 0
            Wait-Until { (Get-SwarmContainerLog -Name probe) -contains "$($Node2.name)/probe | probing" } -Timeout 30 -Because 'the probe''s log is read on its node'
        }
        finally {
            Invoke-LabSsh -Node $Node2 -Command 'sudo -n docker rm -f probe' | Out-Null
        }
    }
}

Describe 'Secrets and logs' -Tag Lab {
    It 'mounts a secret without putting it in the environment or the output' {
        $secret = ConvertTo-SecureString 'sw0rdfish-S3cret' -AsPlainText -Force
        $c = New-SwarmContainer -Name vault -Image $Lab.image -Command sh, -c, 'cat /run/secrets/db_password; echo; echo ready; sleep 3600' -Secret @{ db_password = $secret } -Confirm:$false -Verbose -Debug -WarningAction Continue *>&1
        ($c | Out-String) | Should -Not -BeLike '*sw0rdfish*'
        $container = $c | Where-Object { $_ -is [SwarmPS.SwarmContainer] }
        # The container prints the secret, then 'ready'; each line is led by its node/name.
        $prefix = "$($container.Node)/vault.1 | "
        Wait-Until { (Get-SwarmContainerLog -Name vault) -contains "${prefix}ready" } -Timeout 30 -Because 'the vault container has printed its log'
        Get-SwarmContainerLog -Name vault | Should -Contain "${prefix}sw0rdfish-S3cret" -Because 'the secret is mounted in the container'
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker service inspect vault' | Out-String | Should -Not -BeLike '*sw0rdfish*'
        (Get-SwarmContainer -Name vault | Format-List * | Out-String) | Should -Not -BeLike '*sw0rdfish*'
        $container.Name | Should -Be 'vault'
    }

    It 'tails the log' {
        $vault = Get-SwarmContainer -Name vault
        Get-SwarmContainerLog -Name vault -Tail 1 | Should -Be "$($vault.Node)/vault.1 | ready"
    }

    It 'merges the logs of a service''s replicas on two nodes, each line led by its node/name' {
        $replicas = New-SwarmContainer -Name echo2 -Image $Lab.image -Command sh, -c, 'echo hello; sleep 3600' -Replicas 2 -Constraint 'storage==disk' -Confirm:$false
        $replicas | Should -HaveCount 2
        $replicas.Node | Sort-Object -Unique | Should -Be @($Node2.name, $Node3.name) -Because 'swarm spreads the replicas over the two disk nodes'
        $expected = $replicas | ForEach-Object { "$($_.Node)/echo2.$(($_.ContainerName -split '\.')[1]) | hello" } | Sort-Object
        Wait-Until { @(Get-SwarmContainerLog -Name echo2).Count -ge 2 } -Timeout 30 -Because 'both replicas have written their line'

        Get-SwarmContainerLog -Name echo2 | Sort-Object | Should -Be $expected
        Get-SwarmContainerLog -Name echo2 -Since 10m | Should -HaveCount 2
        Get-SwarmContainerLog -Name echo2 -Since (Get-Date).AddMinutes(5) | Should -BeNullOrEmpty
        Get-SwarmContainerLog -Name echo2 -Timestamps | ForEach-Object { $_ | Should -Match '^\d{4}-\d\d-\d\dT[\d:.]+Z core-0\d/echo2\.[12] \| hello$' }

        # One replica, piped or named as node/name: that task's lines only.
        $one = $replicas | Where-Object Node -eq $Node3.name
        $line = "$($one.Node)/echo2.$(($one.ContainerName -split '\.')[1]) | hello"
        $one | Get-SwarmContainerLog | Should -Be $line
        Get-SwarmContainerLog -Name "$($Node3.name)/echo2" | Should -Be $line
    }

    It 'follows the log until the pipeline is stopped, as Ctrl+C would' {
        $ticker = New-SwarmContainer -Name ticker -Image $Lab.image -Command sh, -c, 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done' -Confirm:$false
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$env:SWARMPS_TEST_MODULE'; Get-SwarmContainerLog -Name ticker -Follow")
            $lines = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $null = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $lines)
            Wait-Until { $lines.Count -gt 5 } -Timeout 30 -Because 'the follow has streamed more than five of the ticker''s lines'
            $stopped = $shell.StopAsync($null, $null)
            $stopped.Wait([TimeSpan]::FromSeconds(15)) | Should -BeTrue -Because 'stopping the pipeline cancels the follow'
            $lines.Count | Should -BeGreaterThan 5
            $lines[0] | Should -Match "^$([regex]::Escape("$($ticker.Node)/ticker.1 | "))tick \d+$"
        }
        finally {
            $shell.Dispose()
        }
    }
}

Describe 'Remove-SwarmContainer' -Tag Lab {
    It 'removes by name and by object, with its secrets' {
        Remove-SwarmContainer -Name vault -Confirm:$false
        Get-SwarmContainer -Name db2 | Remove-SwarmContainer -Confirm:$false
        $left = (Get-SwarmContainer).Name
        $left | Should -Not -Contain 'vault'
        $left | Should -Not -Contain 'db2'
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker secret ls --format "{{.Name}}"' | Should -Not -Contain 'vault_db_password'
    }

    It 'does nothing, and says so, for a name that is gone' {
        (Remove-SwarmContainer -Name vault -Confirm:$false -Verbose 4>&1 | Out-String) | Should -BeLike '*nothing to remove*'
    }
}

Describe 'Get-SwarmTask: why a task does not run' -Tag Lab {
    BeforeAll {
        # Two replicas pinned to one node, each publishing host port 8081 there: the first runs; the second cannot
        # share the port and no other node matches, so swarm's scheduler leaves it pending. (-NoWait: New-SwarmContainer's
        # check before creating passes, since a node matches the constraint; only the scheduler sees the port.)
        $script:Crowded = New-SwarmContainer -Name crowded -Image swarmps/web -Replicas 2 -Publish '8081:80/tcp' -Constraint "node==$($Node2.name)" -NoWait -Confirm:$false
        Wait-Until {
            $tasks = @(Get-SwarmTask -Name crowded -Latest)
            @($tasks | Where-Object CurrentState -eq 'running').Count -eq 1 -and
            @($tasks | Where-Object { $_.CurrentState -eq 'pending' -and $_.Error -like 'no suitable node*' }).Count -eq 1
        } -Timeout 60 -Interval 1 -Because 'one replica of crowded runs and the scheduler has said why the other cannot'
    }

    AfterAll {
        Remove-SwarmContainer -Name crowded -Confirm:$false -ErrorAction Ignore
    }

    It 'shows the running replica on its node and the pending one with the scheduler''s reason in plain words' {
        $Crowded.State | Should -Be 'pending'
        $tasks = Get-SwarmTask -Name crowded -Latest
        $tasks | Should -HaveCount 2
        $tasks | ForEach-Object { $_ | Should -BeOfType ([SwarmPS.SwarmTask]) }
        ($tasks | ForEach-Object ToString | Sort-Object) | Should -Be @('crowded.1', 'crowded.2')

        $running = $tasks | Where-Object CurrentState -eq 'running'
        $running.Node | Should -Be $Node2.name
        $running.ContainerId | Should -Not -BeNullOrEmpty
        $running.Reason | Should -BeNullOrEmpty

        $pending = $tasks | Where-Object CurrentState -eq 'pending'
        $pending.Node | Should -BeNullOrEmpty
        $pending.DesiredState | Should -Be 'running'
        $pending.Since | Should -Not -BeNullOrEmpty
        $pending.Error | Should -BeLike 'no suitable node (*host-mode port already in use on 1 node*)'
        $pending.Reason | Should -BeLike "*do not match node.hostname==$($Node2.name)*"
        $pending.Reason | Should -BeLike "*host port 8081/tcp is already in use on $($Node2.name)*"
        $pending.Reason | Should -Not -BeLike '*no suitable node*'
        $pending.Reason | Should -Not -BeLike '*host-mode*'
    }

    It 'takes the containers Get-SwarmContainer pipes, once per service' {
        $byName = Get-SwarmTask -Name crowded
        $piped = Get-SwarmContainer -Name crowded | Get-SwarmTask
        @($piped).Count | Should -Be @($byName).Count
        ($piped.TaskId | Sort-Object) | Should -Be ($byName.TaskId | Sort-Object)
    }

    It 'shows the reason in its table, as docker service ps shows the error' {
        $table = Get-SwarmTask -Name crowded -Latest | Out-String -Width 250
        $table | Should -BeLike '*NAME*NODE*DESIRED*CURRENT*REASON*'
        $table | Should -BeLike "*crowded.? *$($Node2.name)*Running*Running*"
        $table | Should -BeLike '*Pending*host port 8081/tcp is already in use*'
    }

    It 'reports a name that no service has' {
        { Get-SwarmTask -Name nothing-here -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotFound,SwarmPS.Commands.GetSwarmTaskCommand'
    }
}
