# Day two against the lab: scale, rolling updates that keep serving, rollback, restart and reservations.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    # Two tags of one web image, so an image update has somewhere to go.
    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabWebImage -Tag v1, v2
    New-LabCluster -Name daytwo

    # What the Docker CLI on the manager says about a service.
    function Get-ServiceField([string] $Service, [string] $Format) {
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service ls --filter name=$Service --format '$Format'"
    }
}

AfterAll {
    Remove-SwarmCluster -Name daytwo -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Set-SwarmContainer: scale' -Tag Lab {
    BeforeAll {
        New-SwarmContainer -Name scaled -Image $Lab.image -Command sleep, 3600 -Confirm:$false | Out-Null
    }

    It 'scales 1 -> 3 -> 1, as the Docker CLI sees it' {
        $three = Set-SwarmContainer -Name scaled -Replicas 3 -Confirm:$false
        $three | Should -HaveCount 3
        $three | ForEach-Object { $_.Changed | Should -BeTrue; $_.State | Should -Be 'running' }
        Get-ServiceField scaled '{{.Replicas}}' | Should -Be '3/3'

        $one = Set-SwarmContainer -Name scaled -Replicas 1 -Confirm:$false
        $one | Should -HaveCount 1
        Wait-Until { (Get-ServiceField scaled '{{.Replicas}}') -eq '1/1' } -Timeout 30 -Because 'swarm stops the extra replicas'
    }

    It 'changes nothing for the same count: Changed False, the same containers' {
        $before = @(Get-SwarmContainer -Name scaled) | Sort-Object ContainerId
        $again = @(Set-SwarmContainer -Name scaled -Replicas 1 -Confirm:$false)
        $again | Should -HaveCount 1
        $again[0].Changed | Should -BeFalse
        $again[0].ContainerId | Should -Be $before[0].ContainerId
    }

    It 'refuses a negative count and a memory size that does not parse, before anything changes' {
        { Set-SwarmContainer -Name scaled -Replicas -1 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SwarmPS.Commands.SetSwarmContainerCommand'
        { Set-SwarmContainer -Name scaled -ReserveMemory lots -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'MemorySizeInvalid,SwarmPS.Commands.SetSwarmContainerCommand'
        { Set-SwarmContainer -Name nothing-here -Replicas 2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ContainerNotFound,SwarmPS.Commands.SetSwarmContainerCommand'
        Get-ServiceField scaled '{{.Replicas}}' | Should -Be '1/1'
    }

    It 'says field by field what would change with -WhatIf, and changes nothing' {
        # What-if text goes to the host, so read it from a child pwsh's console.
        $script = "`$env:SWARMPS_STATE_DIR='$env:SWARMPS_STATE_DIR'; `$env:SWARMPS_KNOWN_HOSTS='$env:SWARMPS_KNOWN_HOSTS'; Import-Module '$env:SWARMPS_TEST_MODULE'; Set-SwarmContainer -Name scaled -Replicas 2 -Env @{ MODE = 'two' } -WhatIf"
        $said = (& dotnet pwsh -NoProfile -NonInteractive -Command $script) -join ' '
        $said | Should -BeLike "*What if*scaled*Replicas: 1 -> 2*Env MODE: (none) -> two*"
        Get-ServiceField scaled '{{.Replicas}}' | Should -Be '1/1'
    }

    It 'rolls back on request to the settings before the last change' {
        Set-SwarmContainer -Name scaled -Env @{ MODE = 'two' } -Confirm:$false | Out-Null
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect scaled --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'" | Should -Be '["MODE=two"]'
        $back = Set-SwarmContainer -Name scaled -Rollback -Confirm:$false
        $back.Changed | Should -BeTrue
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect scaled --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'" | Should -Be 'null'
    }
}

Describe 'Set-SwarmContainer: rolling image updates' -Tag Lab {
    BeforeAll {
        New-SwarmContainer -Name rolling -Image swarmps/web:v1 -Replicas 2 -Publish '8081:80/tcp' -Confirm:$false | Out-Null
    }

    It 'updates the image one container at a time, start first, and no request fails' {
        # (not $Lab.nodes.address: on an array that finds Array.Address, a method, before the nodes' property)
        $addresses = @($Lab.nodes | ForEach-Object address)
        $stop = Join-Path $Scratch 'stop-probing'
        # Like a load balancer in front of the nodes: a request fails only when no node answers on the port.
        $probe = Start-ThreadJob -ArgumentList $addresses, $stop -ScriptBlock {
            param($addresses, $stop)
            $requests = 0; $failures = 0
            while (-not (Test-Path $stop)) {
                $served = $false
                foreach ($address in $addresses) {
                    $code = & curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://${address}:8081/"
                    if ($code -match '^[2-4]\d\d$') { $served = $true; break }
                }
                $requests++
                if (-not $served) { $failures++ }
                Start-Sleep -Milliseconds 100
            }
            [pscustomobject]@{ Requests = $requests; Failures = $failures }
        }
        try {
            $updated = Set-SwarmContainer -Name rolling -Image swarmps/web:v2 -UpdateParallelism 1 -UpdateOrder StartFirst -UpdateMonitor 2s -Confirm:$false
        }
        finally {
            New-Item -ItemType File $stop | Out-Null
        }
        $result = $probe | Wait-Job -Timeout 30 | Receive-Job
        $updated | Should -HaveCount 2
        $updated | ForEach-Object { $_.Image | Should -Be 'swarmps/web:v2' }
        $result.Requests | Should -BeGreaterThan 5 -Because 'the probe ran during the whole update'
        $result.Failures | Should -Be 0
        Get-ServiceField rolling '{{.Image}}' | Should -BeLike 'swarmps/web:v2*'
    }

    It 'rolls back by itself when the new containers fail their health check, and says why' {
        Set-SwarmContainer -Name rolling -Image swarmps/web:v1 -HealthCommand 'exit 1' -HealthInterval 1s -HealthTimeout 1s -HealthRetries 1 `
            -UpdateFailureAction Rollback -UpdateMonitor 5s -Timeout 3m -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue | Out-Null
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -Be 'UpdateRolledBack,SwarmPS.Commands.SetSwarmContainerCommand'
        $failure[0].TargetObject | Should -Be 'rolling'
        $failure[0].Exception.Message | Should -BeLike '*rolled back*'
        Wait-Until { @(Get-SwarmContainer -Name rolling | Where-Object State -eq running).Count -eq 2 } -Timeout 60 -Because 'the old containers run again'
        Get-SwarmContainer -Name rolling | ForEach-Object { $_.Image | Should -Be 'swarmps/web:v2' }
    }
}

Describe 'Restart-SwarmContainer' -Tag Lab {
    It 'replaces every container and keeps the settings' {
        New-SwarmContainer -Name restarted -Image $Lab.image -Command sleep, 3600 -Replicas 2 -Confirm:$false | Out-Null
        $before = @(Get-SwarmContainer -Name restarted)
        $after = Restart-SwarmContainer -Name restarted -Confirm:$false
        $after | Should -HaveCount 2
        $after | ForEach-Object { $_.Changed | Should -BeTrue; $_.ContainerId | Should -Not -BeIn $before.ContainerId; $_.Image | Should -Be $before[0].Image }
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect restarted --format '{{.Spec.TaskTemplate.ForceUpdate}}'" | Should -Be '1'
    }
}

Describe 'Reservations' -Tag Lab {
    It 'shows the reserved CPUs and memory on the node the container landed on' {
        $reserved = New-SwarmContainer -Name reserved -Image $Lab.image -Command sleep, 3600 -Constraint 'storage==ssd' -ReserveCpu 0.5 -ReserveMemory 64MB -LimitMemory 128MB -Confirm:$false
        $reserved.Node | Should -Be $Node1.name
        $node = Get-SwarmNode -Name $Node1.name
        $node.ReservedCpus | Should -Be 0.5
        $node.ReservedMemory | Should -Be 64MB
        $clusterNode = (Get-SwarmCluster).Nodes | Where-Object Hostname -eq $Node1.name
        $clusterNode.ReservedCpus | Should -Be 0.5
        (Get-SwarmNode -Name $Node2.name).ReservedCpus | Should -Be 0
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect reserved --format '{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}}'" | Should -Be "$(128MB)"
    }

    It 'refuses a reservation no node can hold before anything is created, naming each node''s free resources' {
        New-SwarmContainer -Name toolarge -Image $Lab.image -Command sleep, 3600 -ReserveCpu 512 -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure | Should -HaveCount 1
        $failure[0].FullyQualifiedErrorId | Should -Be 'InsufficientResources,SwarmPS.Commands.NewSwarmContainerCommand'
        foreach ($node in $Lab.nodes) { $failure[0].Exception.Message | Should -BeLike "*$($node.name): * CPUs and * free*" }
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker service ls --format "{{.Name}}"' | Should -Not -Contain 'toolarge'
    }

    It 'refuses a change to a reservation no node can hold, and leaves the container as it was' {
        Set-SwarmContainer -Name reserved -ReserveCpu 512 -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'InsufficientResources,SwarmPS.Commands.SetSwarmContainerCommand'
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect reserved --format '{{.Spec.TaskTemplate.Resources.Reservations.NanoCPUs}}'" | Should -Be '500000000'
    }
}

Describe 'Health checks' -Tag Lab {
    It 'shows a health-checked container''s health, as docker ps does' {
        New-SwarmContainer -Name checked -Image $Lab.image -Command sleep, 3600 -HealthCommand 'true' -HealthInterval 1s -HealthRetries 1 -Confirm:$false | Out-Null
        Wait-Until { (Get-SwarmContainer -Name checked).Health -eq 'healthy' } -Timeout 60 -Because 'the check passes within a few intervals'
        (Get-SwarmContainer -Name checked).Status | Should -BeLike 'Up * (healthy)'
        (Get-SwarmContainer -Name scaled).Health | Should -BeNullOrEmpty
    }
}
