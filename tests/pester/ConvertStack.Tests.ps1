# ConvertTo-SwarmStack against the lab: an application built with New-SwarmContainer (a db on storage==ssd with a
# named volume, two web replicas on storage==disk with a host port) is written as a Compose file, deployed again as a
# stack by Deploy-SwarmStack and by the real docker CLI, and the services' specs are compared with the originals.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    foreach ($node in $Lab.nodes) {
        Invoke-LabSsh -Node $node -Command 'sudo -n docker volume rm -f cvdata >/dev/null 2>&1; true' | Out-Null
    }
    New-LabCluster -Name convert
    New-LabWebImage -Tag 1

    $script:RemoteDir = '/tmp/swarmps-convert-test'
    function Invoke-Manager([string] $Command) { @(Invoke-LabSsh -Node $Node1 -Command "sudo -n $Command") | Where-Object { $_ } }
    # What a Compose file says of a service (image, command, env, constraints, ports, mounts, replicas), as JSON.
    function Get-ComparableSpec([string] $Service) {
        $spec = (Invoke-Manager "docker service inspect $Service --format '{{json .Spec}}'") -join '' | ConvertFrom-Json -AsHashtable
        $container = $spec.TaskTemplate.ContainerSpec
        [ordered]@{
            Image       = $container.Image
            Command     = $container.Command
            Args        = $container.Args
            Env         = @($container.Env | Sort-Object)
            Constraints = @($spec.TaskTemplate.Placement.Constraints | Sort-Object)
            Ports       = @($spec.EndpointSpec.Ports | ForEach-Object { "$($_.PublishedPort):$($_.TargetPort)/$($_.Protocol) $($_.PublishMode)" })
            Mounts      = @($container.Mounts | ForEach-Object { "$($_.Type) $($_.Source) $($_.Target) $([bool]$_.ReadOnly)" })
            Replicas    = $spec.Mode.Replicated.Replicas
        } | ConvertTo-Json -Depth 6 -Compress
    }
    function Copy-ToManager([string] $Path, [string] $Name) {
        $encoded = [Convert]::ToBase64String([IO.File]::ReadAllBytes($Path))
        Invoke-LabSsh -Node $Node1 -Command "mkdir -p $RemoteDir && echo $encoded | base64 -d > $RemoteDir/$Name" | Out-Null
    }
    # Containers on any node that match a docker ps filter.
    function Get-NodeContainer([string] $Filter) { foreach ($node in $Lab.nodes) { @(Invoke-LabSsh -Node $node -Command "sudo -n docker ps -q --filter $Filter") | Where-Object { $_ } } }
    function Wait-StackGone([string] $Stack) {
        Wait-Until { -not (Invoke-Manager "docker service ls -q --filter label=com.docker.stack.namespace=$Stack") } -Timeout 60 -Because "stack $Stack is gone"
        Wait-Until { -not (Get-NodeContainer "label=com.docker.stack.namespace=$Stack") } -Timeout 60 -Interval 1 -Because "the containers of $Stack are gone"
    }

    $script:AppFile = Join-Path $TestDrive 'app.yml'
}

AfterAll {
    Remove-SwarmStack -Name kept -Confirm:$false -ErrorAction Ignore
    Invoke-Manager 'docker stack rm kept2 2>/dev/null; true' | Out-Null
    Remove-SwarmContainer -Name cvweb, cvdb -Confirm:$false -ErrorAction Ignore
    Invoke-LabSsh -Node $Node1 -Command "rm -rf $RemoteDir" | Out-Null
    Remove-SwarmCluster -Name convert -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    foreach ($node in $Lab.nodes) {
        Invoke-LabSsh -Node $node -Command 'sudo -n docker volume rm -f cvdata >/dev/null 2>&1; true' | Out-Null
    }
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'ConvertTo-SwarmStack' -Tag Lab {
    It 'writes the containers New-SwarmContainer made as one Compose file, the same from names or from piped containers' {
        New-SwarmContainer -Name cvdb -Image $Lab.image -Command sleep, 3600 -Constraint 'storage==ssd' -Volume 'cvdata:/data' -Env @{ ROLE = 'db'; RATIO = '0.5' } -Confirm:$false | Out-Null
        New-SwarmContainer -Name cvweb -Image swarmps/web:1 -Replicas 2 -Constraint 'storage==disk' -Publish '8082:80/tcp' -Env @{ MODE = 'production'; COUNT = '3' } -Confirm:$false | Out-Null
        $script:Original = @{ cvdb = Get-ComparableSpec cvdb; cvweb = Get-ComparableSpec cvweb }

        $text = ConvertTo-SwarmStack -Name cvweb, cvdb -Verbose 4>&1 -WarningVariable warnings | Tee-Object -Variable all | Where-Object { $_ -is [string] }
        @($text).Count | Should -Be 1
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -BeLike '*Converting cvdb, cvweb*'
        $text | Should -BeLike '# Written by ConvertTo-SwarmStack from cluster ''convert''.*'
        $text | Should -Match '(?m)^  cvweb:$'
        $text | Should -Match '(?m)^      replicas: 2$'
        $text | Should -Match '(?m)^      MODE: production$'
        $text | Should -Match '(?m)^      COUNT: "3"$'
        $text | Should -Match '(?m)^      mode: host$'
        $text | Should -Match '(?m)^  cvdata:\n    name: cvdata\n    external: true$'

        # Two replicas of cvweb piped: one service in the file, the same text.
        $piped = Get-SwarmContainer -Name cvweb, cvdb | ConvertTo-SwarmStack
        @(Get-SwarmContainer -Name cvweb).Count | Should -Be 2
        $piped | Should -BeExactly $text

        $file = ConvertTo-SwarmStack cvweb, cvdb -Path $AppFile
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $AppFile
        [IO.File]::ReadAllText($AppFile) | Should -BeExactly $text
    }

    It 'is accepted by the real docker CLI' {
        Copy-ToManager $AppFile 'app.yml'
        # docker stack config came after the CLI 20.10 of Debian 12 (whose "docker stack config --help" shows the stack help and exits 0): look for it in the list of commands.
        $hasConfig = (Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker stack --help 2>&1 | grep -qE "^ +config " && echo yes || echo no') -eq 'yes'
        if ($hasConfig) {
            $said = Invoke-Manager "docker stack config -c $RemoteDir/app.yml 2>&1; echo exit=`$?"
            $said[-1] | Should -Be 'exit=0' -Because ($said -join "`n")
        }

        # docker stack deploy validates the file against the Compose schema before it changes anything.
        $said = Invoke-Manager "docker stack deploy --resolve-image never -c $RemoteDir/app.yml kept2 2>&1; echo exit=`$?"
        $said[-1] | Should -Be 'exit=0' -Because ($said -join "`n")
        (Invoke-Manager "docker stack services kept2 --format '{{.Name}}'" | Sort-Object) -join ',' | Should -Be 'kept2_cvdb,kept2_cvweb'
        foreach ($service in 'cvdb', 'cvweb') {
            Get-ComparableSpec "kept2_$service" | Should -Be $Original[$service] -Because "docker stack deploy of the file gives $service as New-SwarmContainer made it"
        }

        Invoke-Manager 'docker stack rm kept2' | Out-Null
        Wait-StackGone kept2
    }

    It 'deploys with Deploy-SwarmStack as a stack with the same specs, in place of the containers' {
        # The originals hold host port 8082 on the disk nodes: the stack takes their place, as when an application is moved to a file.
        Remove-SwarmContainer -Name cvweb, cvdb -Confirm:$false
        Wait-Until { -not (Get-NodeContainer 'label=com.docker.swarm.service.name=cvweb') } -Timeout 60 -Interval 1 -Because 'the containers of cvweb, which hold port 8082, are gone'

        $result = @(Deploy-SwarmStack -Name kept -Path $AppFile -Confirm:$false -Timeout 3m -WarningAction SilentlyContinue)
        ($result | ForEach-Object { "$($_.Name):$($_.Action)" } | Sort-Object) -join ' ' | Should -Be 'kept_cvdb:Create kept_cvweb:Create'
        foreach ($service in 'cvdb', 'cvweb') {
            Get-ComparableSpec "kept_$service" | Should -Be $Original[$service] -Because "the file gives $service as New-SwarmContainer made it"
        }

        Invoke-Manager "docker stack services kept --filter name=kept_cvweb --format '{{.Replicas}}'" | Should -Be '2/2'
        Invoke-Manager "docker service ps kept_cvdb --filter desired-state=running --format '{{.Node}}'" | Should -Be $Node1.name
        (Invoke-Manager "docker service ps kept_cvweb --filter desired-state=running --format '{{.Node}}'" | Sort-Object) -join ',' | Should -Be "$($Node2.name),$($Node3.name)"
    }

    It 'writes a stack back under its services'' short names, and that file deploys again with nothing to change' {
        $again = Join-Path $TestDrive 'again.yml'
        ConvertTo-SwarmStack -Stack kept -Path $again | Out-Null
        [IO.File]::ReadAllText($again) | Should -BeLike "*stack 'kept'.*"
        [IO.File]::ReadAllText($again) | Should -Match '(?m)^  cvweb:$'
        $result = @(Deploy-SwarmStack -Name kept -Path $again -Confirm:$false -WarningAction SilentlyContinue)
        $result | ForEach-Object { $_.Action | Should -Be 'Unchanged' -Because $_.Name }
    }

    It 'refuses to replace another file without -Force, writes nothing with -WhatIf, and says so for an unknown name' {
        Set-Content -Path $AppFile -Value 'mine'
        ConvertTo-SwarmStack -Stack kept -Path $AppFile -ErrorVariable failure -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -Be 'FileExists,SwarmPS.Commands.ConvertToSwarmStackCommand'
        $failure[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failure[0].TargetObject | Should -Be $AppFile
        (Get-Content -Raw $AppFile).Trim() | Should -Be 'mine'

        (ConvertTo-SwarmStack -Stack kept -Path $AppFile -Force).Length | Should -BeGreaterThan 100
        (Get-Content -Raw $AppFile) | Should -BeLike '# Written by ConvertTo-SwarmStack*'
        # The same file again: nothing to change, no -Force needed.
        ConvertTo-SwarmStack -Stack kept -Path $AppFile -ErrorAction Stop | Should -BeOfType ([System.IO.FileInfo])

        $never = Join-Path $TestDrive 'never.yml'
        ConvertTo-SwarmStack -Stack kept -Path $never -WhatIf | Should -BeNullOrEmpty
        Test-Path $never | Should -BeFalse

        ConvertTo-SwarmStack -Name kept_cvweb, nosuch -Path $never -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing | Should -HaveCount 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'ContainerNotFound,SwarmPS.Commands.ConvertToSwarmStackCommand'
        $missing[0].TargetObject | Should -Be 'nosuch'
        Test-Path $never | Should -BeFalse
        { ConvertTo-SwarmStack -Stack nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'StackNotFound,SwarmPS.Commands.ConvertToSwarmStackCommand'
    }

    It 'removes what it made' {
        Remove-SwarmStack -Name kept -Confirm:$false
        Wait-StackGone kept
        Invoke-Manager "docker service ls -q" | Should -BeNullOrEmpty
    }
}
