# Deploy-SwarmStack against the lab: the seed application as a Compose file (a db on storage==ssd with a volume and
# a secret, two web replicas on storage==disk, an overlay network), checked with the real docker CLI on the manager.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name stack
    New-LabWebImage -Tag 1, 2

    $script:Compose = Join-Path $Scratch 'compose.yml'
    $script:Extra = Join-Path $Scratch 'extra.yml'
    Set-Content -Path (Join-Path $Scratch 'dbpass.txt') -Value 'change-me' -NoNewline
    Set-Content -Path $Compose -Value @"
version: '3.8'
services:
  db:
    image: $($Lab.image)
    command: sleep 3600
    volumes: ['dbdata:/data']
    networks: [back]
    secrets: [dbpass]
    deploy:
      placement:
        constraints: [storage==ssd]
  web:
    image: swarmps/web:`${WEB_TAG:-1}
    networks:
      back:
        aliases: [www]
    ports:
      - target: 80
        published: 8080
        mode: host
    deploy:
      replicas: 2
      placement:
        constraints: [node.labels.storage==disk]
        max_replicas_per_node: 1
      update_config:
        parallelism: 1
        order: stop-first
networks:
  back:
    driver: overlay
volumes:
  dbdata:
secrets:
  dbpass:
    file: ./dbpass.txt
"@
    Set-Content -Path $Extra -Value @"
version: '3.8'
services:
  extra:
    image: $($Lab.image)
    command: [sleep, '3600']
"@

    function Invoke-Manager([string] $Command) { @(Invoke-LabSsh -Node $Node1 -Command "sudo -n $Command") | Where-Object { $_ } }
    # The fields of a service spec a Compose file sets, as JSON, with the stack's name taken out.
    function Get-ComparableSpec([string] $Service, [string] $Stack) {
        $spec = (Invoke-Manager "docker service inspect $Service --format '{{json .Spec}}'") -join '' | ConvertFrom-Json -AsHashtable
        $container = $spec.TaskTemplate.ContainerSpec
        [ordered]@{
            Labels         = $spec.Labels
            Image          = $container.Image
            Command        = $container.Command
            Args           = $container.Args
            Env            = $container.Env
            ContainerLabel = $container.Labels
            Mounts         = @($container.Mounts | ForEach-Object { [ordered]@{ Mount = "$($_.Type) $($_.Source) $($_.Target) $($_.ReadOnly)"; Labels = $_.VolumeOptions.Labels } })
            Secrets        = @($container.Secrets | ForEach-Object { "$($_.SecretName) $($_.File | ConvertTo-Json -Compress)" })
            Constraints    = $spec.TaskTemplate.Placement.Constraints
            MaxReplicas    = $spec.TaskTemplate.Placement.MaxReplicas
            Aliases        = @($spec.TaskTemplate.Networks | ForEach-Object { $_.Aliases -join ',' })
            Mode           = $spec.Mode
            Ports          = $spec.EndpointSpec.Ports
            EndpointMode   = $spec.EndpointSpec.Mode
            UpdateConfig   = $spec.UpdateConfig
        } | ConvertTo-Json -Depth 8 -Compress | ForEach-Object { $_.Replace("$($Stack)_", 'STACK_').Replace("`"$Stack`"", '"STACK"') }
    }
    function Get-RunningTaskId([string] $Service) { @(Invoke-Manager "docker service ps -q --filter desired-state=running $Service") | Sort-Object }
}

AfterAll {
    Remove-Item Env:WEB_TAG -ErrorAction Ignore
    Remove-SwarmCluster -Name stack -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Deploy-SwarmStack' -Tag Lab {
    It 'deploys the seed application from two merged Compose files, as docker stack services sees it' {
        $result = @(Deploy-SwarmStack -Name app -Path $Compose, $Extra -Confirm:$false -Timeout 3m -WarningAction SilentlyContinue)
        ($result | ForEach-Object { "$($_.Name):$($_.Action):$($_.Changed)" } | Sort-Object) -join ' ' |
            Should -Be 'app_db:Create:True app_extra:Create:True app_web:Create:True'

        $services = Invoke-Manager "docker stack services app --format '{{.Name}} {{.Replicas}}'" | Sort-Object
        $services -join ', ' | Should -Be 'app_db 1/1, app_extra 1/1, app_web 2/2 (max 1 per node)'

        $db = Invoke-Manager "docker service inspect app_db --format '{{index .Spec.Labels `"com.docker.stack.namespace`"}}|{{.Spec.TaskTemplate.Placement.Constraints}}|{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}}:{{.File.Name}}{{end}}|{{range .Spec.TaskTemplate.ContainerSpec.Mounts}}{{.Type}}:{{.Source}}:{{.Target}}{{end}}'"
        $db | Should -Be 'app|[node.labels.storage==ssd]|app_dbpass:dbpass|volume:app_dbdata:/data'
        Invoke-Manager "docker service ps app_db --filter desired-state=running --format '{{.Node}}'" | Should -Be $Node1.name
        (Invoke-Manager "docker service ps app_web --filter desired-state=running --format '{{.Node}}'" | Sort-Object) -join ',' |
            Should -Be "$($Node2.name),$($Node3.name)"
        Invoke-Manager "docker service inspect app_web --format '{{range .Spec.EndpointSpec.Ports}}{{.PublishedPort}}:{{.TargetPort}}/{{.PublishMode}}{{end}}'" | Should -Be '8080:80/host'
        $network = Invoke-Manager "docker network inspect app_back --format '{{.Driver}} {{index .Labels `"com.docker.stack.namespace`"}}'"
        $network | Should -Be 'overlay app'
        (Invoke-Manager "docker service inspect app_web --format '{{range .Spec.TaskTemplate.Networks}}{{range .Aliases}}{{.}} {{end}}{{end}}'").Trim() | Should -Be 'www web'
    }

    It 'gives the specs docker stack deploy gives for the same file, apart from the stack name' {
        # The same files, deployed as stack app2 by the docker CLI on the manager.
        $dir = '/tmp/swarmps-stack-test'
        foreach ($file in $Compose, $Extra, (Join-Path $Scratch 'dbpass.txt')) {
            $bytes = [IO.File]::ReadAllBytes($file)
            if ($file -eq $Compose) {
                # The Docker CLI takes constraints in swarm syntax only: give it the form SwarmPS sends for storage==ssd.
                $bytes = [Text.Encoding]::UTF8.GetBytes(([Text.Encoding]::UTF8.GetString($bytes) -replace '\[storage==ssd\]', '[node.labels.storage==ssd]'))
            }
            $encoded = [Convert]::ToBase64String($bytes)
            Invoke-LabSsh -Node $Node1 -Command "mkdir -p $dir && echo $encoded | base64 -d > $dir/$(Split-Path -Leaf $file)" | Out-Null
        }
        try {
            $said = Invoke-Manager "docker stack deploy -c $dir/compose.yml -c $dir/extra.yml app2 2>&1"
            Invoke-Manager "docker service ls -q --filter label=com.docker.stack.namespace=app2" |
                Should -HaveCount 3 -Because "docker stack deploy made the three services (it said: $($said -join ' '))"
            foreach ($service in 'db', 'web', 'extra') {
                $ours = Get-ComparableSpec "app_$service" 'app'
                $theirs = Get-ComparableSpec "app2_$service" 'app2'
                $ours | Should -Be $theirs -Because "app_$service and app2_$service come from the same file"
            }
        }
        finally {
            Invoke-Manager "docker stack rm app2" | Out-Null
            Invoke-LabSsh -Node $Node1 -Command "rm -rf $dir" | Out-Null
            Wait-Until { -not (Invoke-Manager "docker service ls -q --filter label=com.docker.stack.namespace=app2") } -Timeout 60 -Because 'stack app2 is gone'
            Wait-Until { -not (Invoke-Manager "docker network ls -q --filter label=com.docker.stack.namespace=app2") } -Timeout 60 -Because 'the networks of app2 are gone'
        }
    }

    It 'changes nothing when deployed again unchanged: Changed False, the same tasks' {
        $before = Get-RunningTaskId app_web
        $result = @(Deploy-SwarmStack -Name app -Path $Compose, $Extra -Confirm:$false -WarningAction SilentlyContinue)
        $result.Count | Should -Be 3
        $result | ForEach-Object { $_.Changed | Should -BeFalse -Because $_.Name; $_.Action | Should -Be 'Unchanged' }
        Get-RunningTaskId app_web | Should -Be $before
    }

    It 'rolls a changed web image tag out to web alone, and -WhatIf changes nothing' {
        $dbTasks = Get-RunningTaskId app_db
        $webTasks = Get-RunningTaskId app_web
        $env:WEB_TAG = '2'
        try {
            Deploy-SwarmStack -Name app -Path $Compose, $Extra -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty
            Invoke-Manager "docker service inspect app_web --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}'" | Should -Be 'swarmps/web:1'

            $result = @(Deploy-SwarmStack -Name app -Path $Compose, $Extra -Confirm:$false -Timeout 3m -WarningAction SilentlyContinue)
        }
        finally {
            Remove-Item Env:WEB_TAG
        }

        $web = $result | Where-Object Service -eq web
        $web.Action | Should -Be 'Update'
        $web.Changed | Should -BeTrue
        $web.Changes | Where-Object { $_ -like 'Image:*' } | Should -Be 'Image: swarmps/web:1 -> swarmps/web:2'
        ($result | Where-Object Service -ne web).Changed | Should -Not -Contain $true
        Invoke-Manager "docker service inspect app_web --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}'" | Should -Be 'swarmps/web:2'
        Invoke-Manager "docker stack services app --filter name=app_web --format '{{.Replicas}}'" | Should -Be '2/2 (max 1 per node)'
        $newWeb = Get-RunningTaskId app_web
        $newWeb.Count | Should -Be 2
        $newWeb | Should -Not -Be $webTasks
        Get-RunningTaskId app_db | Should -Be $dbTasks
    }

    It 'stops before any change when a constraint, an image or a port cannot be met, naming each' {
        $broken = Join-Path $Scratch 'broken.yml'
        (Get-Content -Raw $Compose).Replace('storage==ssd', 'storage==tape').Replace('swarmps/web:${WEB_TAG:-1}', 'swarmps/nosuch:1') | Set-Content $broken
        Set-Content (Join-Path $Scratch 'dbpass.txt') -Value 'change-me' -NoNewline
        { Deploy-SwarmStack -Name other -Path $broken -Confirm:$false -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'StackPlanInvalid,SwarmPS.Commands.DeploySwarmStackCommand' -ExpectedMessage '*8080/tcp*app_web*storage==tape*swarmps/nosuch:1*'
        Invoke-Manager "docker service ls --filter label=com.docker.stack.namespace=other -q" | Should -BeNullOrEmpty
        Invoke-Manager "docker network ls --filter name=other_ -q" | Should -BeNullOrEmpty
    }

    It 'removes with -Prune the service the files no longer have' {
        $result = @(Deploy-SwarmStack -Name app -Path $Compose -Prune -Confirm:$false -Timeout 3m -WarningAction SilentlyContinue -WarningVariable warnings)
        ($result | Where-Object Service -eq extra).Action | Should -Be 'Remove'
        (Invoke-Manager "docker stack services app --format '{{.Name}}'" | Sort-Object) -join ',' | Should -Be 'app_db,app_web'
    }

    It 'lists the stack with its services, replicas and ports' {
        $stack = Get-SwarmStack -Name app
        $stack.Name | Should -Be 'app'
        ($stack.Services.Name | Sort-Object) -join ',' | Should -Be 'app_db,app_web'
        "$($stack.Running)/$($stack.Desired)" | Should -Be '3/3'
        $stack.Ports | Should -Contain '8080:80/tcp (host)'
        $stack.Networks | Should -Contain 'app_back'
        $stack.Secrets | Should -Be 'app_dbpass'
        { Get-SwarmStack -Name nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'StackNotFound,SwarmPS.Commands.GetSwarmStackCommand'
    }

    It 'removes the stack and keeps its volume unless -RemoveVolumes' {
        Get-SwarmStack -Name app | Remove-SwarmStack -Confirm:$false
        Invoke-Manager "docker stack ls --format '{{.Name}}'" | Should -BeNullOrEmpty
        Invoke-Manager "docker service ls -q" | Should -BeNullOrEmpty
        Invoke-Manager "docker secret ls -q" | Should -BeNullOrEmpty
        Wait-Until { -not (Invoke-Manager "docker network ls --filter name=app_back -q") } -Timeout 30 -Because 'the network app_back is gone'
        Invoke-Manager "docker volume ls -q --filter name=app_dbdata" | Should -Be 'app_dbdata'
    }
}
