# Export-SwarmContext and Remove-SwarmContext against the real Docker CLI: the context SwarmPS writes into the
# Docker CLI's own store (a scratch DOCKER_CONFIG, never the real ~/.docker) reaches the lab cluster with
# mutual TLS, as docker --context NAME node ls and service ls show.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    $script:SavedDockerHost = $env:DOCKER_HOST, $env:DOCKER_CONTEXT
    $env:DOCKER_HOST = $null
    $env:DOCKER_CONTEXT = $null
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name ctxlab

    $script:Docker = '/usr/local/bin/docker'
    # The folder the Docker CLI names a context's files by.
    function Get-ContextId([string] $Name) {
        $hash = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($Name))
        [System.Convert]::ToHexString($hash).ToLowerInvariant()
    }
    function Get-Mode([string] $Path) { & stat -c '%a' $Path }
}

AfterAll {
    Remove-SwarmCluster -Name ctxlab -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    $env:DOCKER_HOST, $env:DOCKER_CONTEXT = $SavedDockerHost
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Export-SwarmContext' -Tag Lab {
    It 'uses a scratch DOCKER_CONFIG, never the real ~/.docker' {
        $env:DOCKER_CONFIG | Should -BeLike "$Scratch*"
        Test-Path $Docker | Should -BeTrue
    }

    It 'writes nothing with -WhatIf' {
        Export-SwarmContext -Name ctxlab -WhatIf | Should -BeNullOrEmpty
        Test-Path (Join-Path $env:DOCKER_CONFIG 'contexts') | Should -BeFalse
    }

    It 'writes the context into the Docker CLI''s store: meta.json, the CA and a client certificate, private modes' {
        $context = Export-SwarmContext -Cluster ctxlab
        $context.Name | Should -Be 'ctxlab'
        $context.Cluster | Should -Be 'ctxlab'
        $context.Endpoint | Should -Be "tcp://$($Node1.address):2376"
        $context.Tls | Should -BeTrue
        $context.Changed | Should -BeTrue
        $context.IsCurrent | Should -BeFalse

        $id = Get-ContextId 'ctxlab'
        $meta = Get-Content -Raw (Join-Path $env:DOCKER_CONFIG "contexts/meta/$id/meta.json") | ConvertFrom-Json
        $meta.Name | Should -Be 'ctxlab'
        $meta.Endpoints.docker.Host | Should -Be "tcp://$($Node1.address):2376"
        $tls = Join-Path $env:DOCKER_CONFIG "contexts/tls/$id/docker"
        Get-Mode $tls | Should -Be '700'
        foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { Get-Mode (Join-Path $tls $file) | Should -Be '600' }
        Get-Content -Raw (Join-Path $tls 'ca.pem') | Should -Be (Get-Content -Raw (Join-Path $env:SWARMPS_STATE_DIR 'tls/ca.pem'))
        (& $Docker context inspect ctxlab --format '{{.Endpoints.docker.Host}}') | Should -Be "tcp://$($Node1.address):2376"
    }

    It 'lets docker --context NAME list the nodes and the services' {
        $nodes = & $Docker --context ctxlab node ls --format '{{.Hostname}}' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($nodes -join "`n")
        @($nodes | Sort-Object) | Should -Be @($Lab.nodes.name | Sort-Object)

        New-SwarmContainer -Name ctxdb -Image $Lab.image -Command sleep, 3600 -Confirm:$false | Out-Null
        $services = & $Docker --context ctxlab service ls --format '{{.Name}}' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($services -join "`n")
        $services | Should -Contain 'ctxdb'
    }

    It 'changes nothing when run again' {
        $meta = Join-Path $env:DOCKER_CONFIG "contexts/meta/$(Get-ContextId 'ctxlab')/meta.json"
        $before = (Get-Item $meta).LastWriteTimeUtc
        (Export-SwarmContext -Cluster ctxlab).Changed | Should -BeFalse
        (Get-Item $meta).LastWriteTimeUtc | Should -Be $before
    }

    It 'makes it the current context with -Use, keeping the other keys of config.json' {
        Set-Content -Path (Join-Path $env:DOCKER_CONFIG 'config.json') -Value '{ "psFormat": "table {{.Names}}" }'
        $context = Export-SwarmContext -Cluster ctxlab -Use
        $context.Changed | Should -BeTrue
        $context.IsCurrent | Should -BeTrue
        $config = Get-Content -Raw (Join-Path $env:DOCKER_CONFIG 'config.json') | ConvertFrom-Json
        $config.currentContext | Should -Be 'ctxlab'
        $config.psFormat | Should -Be 'table {{.Names}}'
        & $Docker context show | Should -Be 'ctxlab'
        @(& $Docker node ls --format '{{.Hostname}}').Count | Should -Be 3
        (Export-SwarmContext -Cluster ctxlab -Use).Changed | Should -BeFalse
    }

    It 'refuses a name the Docker CLI would not take, before writing anything' {
        $failure = $null
        Export-SwarmContext -Cluster ctxlab -Name default -ErrorAction SilentlyContinue -ErrorVariable failure | Out-Null
        $failure[0].FullyQualifiedErrorId | Should -Be 'DockerContextNameInvalid,SwarmPS.Commands.ExportSwarmContextCommand'
        Test-Path (Join-Path $env:DOCKER_CONFIG "contexts/meta/$(Get-ContextId 'default')") | Should -BeFalse
    }
}

Describe 'Remove-SwarmContext' -Tag Lab {
    It 'keeps the context with -WhatIf' {
        Remove-SwarmContext -Name ctxlab -WhatIf
        & $Docker context inspect ctxlab --format '{{.Name}}' | Should -Be 'ctxlab'
    }

    It 'removes it and its TLS files, and the Docker CLI is back on its default context' {
        Export-SwarmContext -Cluster ctxlab | Remove-SwarmContext -Confirm:$false
        $id = Get-ContextId 'ctxlab'
        Test-Path (Join-Path $env:DOCKER_CONFIG "contexts/meta/$id") | Should -BeFalse
        Test-Path (Join-Path $env:DOCKER_CONFIG "contexts/tls/$id") | Should -BeFalse
        & $Docker context show | Should -Be 'default'
        (Get-Content -Raw (Join-Path $env:DOCKER_CONFIG 'config.json') | ConvertFrom-Json).psFormat | Should -Be 'table {{.Names}}'
    }

    It 'leaves alone a context SwarmPS did not write, unless -Force' {
        & $Docker context create handmade --docker "host=tcp://$($Node1.address):2376" | Out-Null
        $failure = $null
        Remove-SwarmContext -Name handmade -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].FullyQualifiedErrorId | Should -Be 'DockerContextNotFromSwarmPS,SwarmPS.Commands.RemoveSwarmContextCommand'
        & $Docker context inspect handmade --format '{{.Name}}' | Should -Be 'handmade'
        Remove-SwarmContext -Name handmade -Force -Confirm:$false
        & $Docker context ls --format '{{.Name}}' | Should -Not -Contain 'handmade'
    }
}
