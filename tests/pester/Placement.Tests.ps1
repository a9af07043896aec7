# Placement against the lab: a global container on every node, one replica per node, NotEnoughNodes before anything
# is created, a spread over a node label, and the same cap again changing nothing. Where the tasks run is checked with
# the real docker CLI on the manager as well as with SwarmPS.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name seed
    $script:AllNodes = @($Lab.nodes.name | Sort-Object)

    # The nodes of a service's running tasks, as docker service ps on the manager (core-01) lists them.
    function script:Get-DockerTaskNodes([string] $Service) {
        $lines = Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service ps $Service --filter desired-state=running --format '{{.Node}}|{{.CurrentState}}'"
        @($lines | Where-Object { $_ -match '^[^|]+\|Running' } | ForEach-Object { ($_ -split '\|')[0] } | Sort-Object)
    }
}

AfterAll {
    Remove-SwarmContainer -Name agent, onepernode, zoned -Confirm:$false -ErrorAction Ignore
    foreach ($node in $Lab.nodes) {
        Set-SwarmNode -Name $node.name -RemoveLabel zone -Confirm:$false -ErrorAction Ignore | Out-Null
    }
    Remove-SwarmCluster -Name seed -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Placement: -Mode, -MaxReplicasPerNode, -PlacementPreference' -Tag Lab {
    It 'runs a global container once on every node and waits for all three' {
        $agent = New-SwarmContainer -Name agent -Image $Lab.image -Command sleep, 3600 -Mode Global -Confirm:$false
        $agent | Should -HaveCount 3
        @($agent.Node | Sort-Object) | Should -Be $AllNodes
        $agent | ForEach-Object { $_.Mode | Should -Be 'global'; $_.State | Should -Be 'running' }

        @((Get-SwarmContainer -Name agent).Node | Sort-Object) | Should -Be $AllNodes
        Get-DockerTaskNodes agent | Should -Be $AllNodes
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect agent --format '{{if .Spec.Mode.Global}}global{{end}}'" | Should -Be 'global'
        @((Get-SwarmTask -Name agent | Where-Object CurrentState -eq 'running').Node | Sort-Object) | Should -Be $AllNodes
        @((New-SwarmContainer -Name agent -Image $Lab.image -Command sleep, 3600 -Mode Global -Confirm:$false).Changed | Sort-Object -Unique) | Should -Be $false
    }

    It 'refuses -Replicas with -Mode Global, and a mode change, before anything changes' {
        { New-SwarmContainer -Name ghost -Image $Lab.image -Mode Global -Replicas 2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReplicasWithGlobalMode,SwarmPS.Commands.NewSwarmContainerCommand'
        { Set-SwarmContainer -Name agent -Mode Replicated -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModeCannotChange,SwarmPS.Commands.SetSwarmContainerCommand'
        { Set-SwarmContainer -Name agent -Replicas 2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReplicasOfGlobal,SwarmPS.Commands.SetSwarmContainerCommand'
        Get-SwarmContainer -Name ghost -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-DockerTaskNodes agent | Should -Be $AllNodes
    }

    It 'spreads three replicas capped at one per node over the three nodes' {
        $spread = New-SwarmContainer -Name onepernode -Image $Lab.image -Command sleep, 3600 -Replicas 3 -MaxReplicasPerNode 1 -Confirm:$false
        $spread | Should -HaveCount 3
        @($spread.Node | Sort-Object) | Should -Be $AllNodes
        $spread | ForEach-Object { $_.MaxReplicasPerNode | Should -Be 1; $_.Mode | Should -Be 'replicated' }
        Get-DockerTaskNodes onepernode | Should -Be $AllNodes
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect onepernode --format '{{.Spec.TaskTemplate.Placement.MaxReplicas}}'" | Should -Be '1'
    }

    It 'changes nothing when the same cap is set again' {
        $again = Set-SwarmContainer -Name onepernode -MaxReplicasPerNode 1 -Confirm:$false
        $again | Should -HaveCount 3
        $again | ForEach-Object { $_.Changed | Should -BeFalse }
    }

    It 'refuses more replicas than the nodes can take with NotEnoughNodes, and creates or changes nothing' {
        $failure = $null
        try { New-SwarmContainer -Name toomany -Image $Lab.image -Command sleep, 3600 -Replicas 4 -MaxReplicasPerNode 1 -Confirm:$false -ErrorAction Stop }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'NotEnoughNodes,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        foreach ($name in $AllNodes) { $failure.Exception.Message | Should -BeLike "*$name*" }
        Get-SwarmContainer -Name toomany -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service ls --filter name=toomany -q" | Should -BeNullOrEmpty

        { Set-SwarmContainer -Name onepernode -Replicas 4 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotEnoughNodes,SwarmPS.Commands.SetSwarmContainerCommand'
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect onepernode --format '{{.Spec.Mode.Replicated.Replicas}}'" | Should -Be '3'
    }

    It 'refuses a preference swarm would ignore' {
        { New-SwarmContainer -Name ghost -Image $Lab.image -PlacementPreference 'spread=node.hostname' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'PlacementPreferenceInvalid,SwarmPS.Commands.NewSwarmContainerCommand'
    }

    It 'spreads replicas evenly over the zones of a node label, not over the nodes' {
        # Zone a is core-01 alone, zone b the other two: four replicas spread by zone put two on core-01, which a
        # spread over the nodes would not.
        Set-SwarmNode -Name $Node1.name -Label 'zone=a' -Confirm:$false | Out-Null
        $Node2.name, $Node3.name | ForEach-Object { Set-SwarmNode -Name $_ -Label 'zone=b' -Confirm:$false } | Out-Null

        $zoned = New-SwarmContainer -Name zoned -Image $Lab.image -Command sleep, 3600 -Replicas 4 -PlacementPreference 'spread=node.labels.zone' -Confirm:$false
        $zoned | Should -HaveCount 4
        $zoned[0].PlacementPreferences | Should -Be 'spread=node.labels.zone'
        $nodes = Get-DockerTaskNodes zoned
        $nodes | Should -HaveCount 4
        @($nodes | Where-Object { $_ -eq $Node1.name }) | Should -HaveCount 2
        @($nodes | Where-Object { $_ -ne $Node1.name }) | Should -HaveCount 2
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect zoned --format '{{range .Spec.TaskTemplate.Placement.Preferences}}{{.Spread.SpreadDescriptor}}{{end}}'" | Should -Be 'node.labels.zone'
    }
}
