# Secrets and configs as cluster objects against the lab: created from a SecureString and a PSCredential, read inside
# the container, a config read inside it, a rotation to v2 with a rolling update, the refusals, and no value in any stream.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name seed

    $script:Values = 'Pl41n-V1-s3cret', 'Cr3d-P4ss-s3cret', 'R0tat3d-V2-s3cret'
    $script:Streams = [System.Collections.Generic.List[object]]::new()

    # What a task of the service holds in a file, read with docker exec on the node it runs on.
    function script:Read-InContainer([string] $Service, [string] $Path) {
        $container = Get-SwarmContainer -Name $Service | Where-Object State -eq 'running' | Select-Object -First 1
        $node = $Lab.nodes | Where-Object name -eq $container.Node
        Invoke-LabSsh -Node $node -Command "sudo -n docker exec $($container.ContainerId) cat $Path"
    }
}

AfterAll {
    Remove-SwarmContainer -Name app -Confirm:$false -ErrorAction Ignore
    Remove-SwarmSecret -Name 'db_password*', smtp_password -Confirm:$false -ErrorAction Ignore
    Remove-SwarmConfig -Name app_conf -Confirm:$false -ErrorAction Ignore
    Remove-SwarmCluster -Name seed -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Secrets and configs' -Tag Lab {
    It 'creates a secret from a SecureString and one from a PSCredential, and a config' {
        $secure = ConvertTo-SecureString $Values[0] -AsPlainText -Force
        $Streams.AddRange(@($secure | New-SwarmSecret -Name db_password -Label @{ app = 'shop' } -Confirm:$false -Verbose *>&1))
        $credential = [pscredential]::new('mailer', (ConvertTo-SecureString $Values[1] -AsPlainText -Force))
        $Streams.AddRange(@(New-SwarmSecret -Name smtp_password -Value $credential -Confirm:$false -Verbose *>&1))
        $Streams.AddRange(@(New-SwarmConfig -Name app_conf -Value "mode=prod`n" -Confirm:$false -Verbose *>&1))

        $secret = Get-SwarmSecret -Name db_password
        $secret | Should -BeOfType ([SwarmPS.SwarmSecret])
        $secret.Labels['app'] | Should -Be 'shop'
        $secret.UsedBy | Should -BeNullOrEmpty
        # "mode=prod" and its newline: 10 bytes, as given.
        (Get-SwarmConfig -Name app_conf).Size | Should -Be 10
        (New-SwarmConfig -Name app_conf -Value "mode=prod`n" -Confirm:$false).Changed | Should -BeFalse
    }

    It 'refuses a secret name used twice, and a reference to a missing secret before anything is created' {
        { New-SwarmSecret -Name db_password -Value (ConvertTo-SecureString 'x1' -AsPlainText -Force) -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SecretExists,SwarmPS.Commands.NewSwarmSecretCommand'
        { New-SwarmContainer -Name ghost -Image $Lab.image -Command sleep, 3600 -Secret no_such_secret -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SecretNotFound,SwarmPS.Commands.NewSwarmContainerCommand'
        Get-SwarmContainer -Name ghost -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { New-SwarmContainer -Name ghost -Image $Lab.image -Secret db_password, 'source=smtp_password,target=db_password' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SecretTargetDuplicate,SwarmPS.Commands.NewSwarmContainerCommand'
    }

    It 'mounts both secrets and the config, and the container reads them' {
        $Streams.AddRange(@(New-SwarmContainer -Name app -Image $Lab.image -Command sleep, 3600 -UpdateOrder StartFirst `
            -Secret db_password, 'source=smtp_password,target=smtp,mode=0400' -Config 'source=app_conf,target=/etc/app.conf' -Confirm:$false -Verbose *>&1))
        Read-InContainer app /run/secrets/db_password | Should -Be $Values[0]
        Read-InContainer app /run/secrets/smtp | Should -Be $Values[1]
        Read-InContainer app /etc/app.conf | Should -Be 'mode=prod'
        (Get-SwarmSecret -Name db_password).UsedBy | Should -Be @('app')
    }

    It 'refuses to remove a secret or config while the container uses it' {
        Remove-SwarmSecret -Name db_password -Confirm:$false -ErrorVariable inUse -ErrorAction SilentlyContinue
        $inUse[0].FullyQualifiedErrorId | Should -Be 'SecretInUse,SwarmPS.Commands.RemoveSwarmSecretCommand'
        $inUse[0].Exception.Message | Should -BeLike '*app*'
        Remove-SwarmConfig -Name app_conf -Confirm:$false -ErrorVariable configInUse -ErrorAction SilentlyContinue
        $configInUse[0].FullyQualifiedErrorId | Should -Be 'ConfigInUse,SwarmPS.Commands.RemoveSwarmConfigCommand'
        Get-SwarmSecret -Name db_password | Should -Not -BeNullOrEmpty
    }

    It 'rotates to db_password_v2 with a rolling update that keeps the container running, and the new value is read' {
        $Streams.AddRange(@(ConvertTo-SecureString $Values[2] -AsPlainText -Force | New-SwarmSecret -Name db_password_v2 -Confirm:$false -Verbose *>&1))
        $Streams.AddRange(@(Set-SwarmContainer -Name app -Secret 'source=db_password_v2,target=db_password' -Confirm:$false -Verbose *>&1))
        $running = @(Get-SwarmContainer -Name app | Where-Object State -eq 'running')
        $running | Should -HaveCount 1
        Read-InContainer app /run/secrets/db_password | Should -Be $Values[2]
        (Get-SwarmSecret -Name db_password).UsedBy | Should -BeNullOrEmpty
        (Get-SwarmSecret -Name db_password_v2).UsedBy | Should -Be @('app')
        (Set-SwarmContainer -Name app -Secret 'source=db_password_v2,target=db_password' -Confirm:$false).Changed | Should -BeFalse
        Remove-SwarmSecret -Name db_password -Confirm:$false
        Get-SwarmSecret -Name db_password -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'never shows a value in any stream or object' {
        $Streams.AddRange(@(Get-SwarmSecret -Verbose *>&1 | Format-List * | Out-String))
        $text = $Streams | ForEach-Object { $_ | Out-String } | Out-String
        $text.Length | Should -BeGreaterThan 100
        foreach ($value in $Values) { $text | Should -Not -BeLike "*$value*" }
        Invoke-LabSsh -Node $Lab.nodes[0] -Command 'sudo -n docker service inspect app' | Out-String | Should -Not -BeLike "*$($Values[2])*"
    }
}
