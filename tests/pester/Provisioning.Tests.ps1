# Host provisioning against the lab: SSH sessions, host-key trust, Enable/Disable-DockerTcpSocket.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force
    $script:Key = $Lab.keyPath
    $script:Password = ConvertTo-SecureString $Lab.password -AsPlainText -Force
    $script:PasswordCredential = [pscredential]::new($Lab.user, $Password)

    function script:Get-NodeFacts([object] $Node) {
        Invoke-LabSsh -Node $Node -Command "sudo -n docker info --format '{{json .Labels}}'; systemctl show -p ActiveEnterTimestampMonotonic --value docker.service; sudo -n ss -ltnH | awk '{print `$4}' | grep -oE ':(2375|2376)$' | sort -u | tr '\n' ' '; echo"
    }

    # The engine's process id: a restart changes it, a reload (SIGHUP) does not.
    function script:Get-EnginePid([object] $Node) {
        Invoke-LabSsh -Node $Node -Command 'systemctl show -p MainPID --value docker.service'
    }

    # The moment from which Get-SudoCount counts: the next whole second, waited for, so nothing earlier is counted.
    function script:Start-SudoCount {
        $next = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 1
        Wait-Until { [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() -ge $next } -Timeout 2 -Interval 0.02 -Because 'the next second has begun'
        $next
    }

    # How many scripts SwarmPS ran as root on the node since then (sudo's journal lines for "sh -c"): one per SSH
    # round trip. The test's own checks run "sudo -n <program>" directly, so they are not counted.
    function script:Get-SudoCount([object] $Node, [long] $Since) {
        [int](Invoke-LabSsh -Node $Node -Command "sudo -n journalctl _COMM=sudo --since @$Since --no-pager -o cat | grep -c 'COMMAND=[^ ]*sh -c' || true")
    }

    function script:Invoke-DockerCli([object] $Node, [string[]] $Arguments) {
        $tls = Join-Path $env:SWARMPS_STATE_DIR 'tls'
        & docker --tlsverify --tlscacert "$tls/ca.pem" --tlscert "$tls/client-cert.pem" --tlskey "$tls/client-key.pem" `
            -H "tcp://$($Node.address):2376" @Arguments 2>&1
    }
}

AfterAll {
    Get-SwarmHost | Disconnect-SwarmHost -Confirm:$false
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Connect-SwarmHost' -Tag Lab {
    It 'refuses an unknown host key without -AcceptNewHostKey and records nothing' {
        { Connect-SwarmHost -HostName $Node1.address -UserName core -KeyFile $Key -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyUnknown,SwarmPS.Commands.ConnectSwarmHostCommand'
        Test-Path $env:SWARMPS_KNOWN_HOSTS | Should -BeFalse
    }

    It 'connects to a host known only by its ECDSA key, as ssh does, instead of calling it changed' {
        $ecdsaOnly = Join-Path $Scratch 'known_hosts_ecdsa'
        $line = & ssh-keyscan -t ecdsa $Node1.address 2>$null
        $line | Should -Match 'ecdsa-sha2-nistp256'
        Set-Content -Path $ecdsaOnly -Value $line
        & ssh -o BatchMode=yes -o UserKnownHostsFile=$ecdsaOnly -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -i $Key "core@$($Node1.address)" true
        $LASTEXITCODE | Should -Be 0
        $h = Connect-SwarmHost -HostName $Node1.address -UserName core -KeyFile $Key -KnownHostsFile $ecdsaOnly -ErrorAction Stop
        $h.HostKeyFingerprint | Should -Be (((& ssh-keygen -l -E sha256 -f $ecdsaOnly) -split ' ')[1])
        Get-Content $ecdsaOnly | Should -HaveCount 1
        Disconnect-SwarmHost -HostName $Node1.address -Confirm:$false
    }

    It 'refuses a key file others can read, with the chmod that fixes it' {
        $loose = Join-Path $Scratch 'id_loose'
        Copy-Item $Key $loose
        chmod 644 $loose
        $failure = $null
        try { Connect-SwarmHost -HostName $Node1.address -UserName core -KeyFile $loose -AcceptNewHostKey -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'KeyFilePermissionsTooOpen,SwarmPS.Commands.ConnectSwarmHostCommand'
        $failure.Exception.Message | Should -BeLike "*chmod 600 '$loose'*"
        Test-Path $env:SWARMPS_KNOWN_HOSTS | Should -BeFalse
    }

    It 'connects to several hosts in parallel, recording their keys as ssh-keygen shows them' {
        $hosts = $Node1.address, $Node2.address | Connect-SwarmHost -UserName core -KeyFile $Key -AcceptNewHostKey
        $hosts | Should -HaveCount 2
        $hosts | ForEach-Object { $_ | Should -BeOfType ([SwarmPS.SwarmHost]) }
        $first = $hosts | Where-Object Name -eq $Node1.address
        $first.Connected | Should -BeTrue
        $first.UserName | Should -Be 'core'
        $expected = (& ssh-keygen -l -E sha256 -F $Node1.address -f $env:SWARMPS_KNOWN_HOSTS | Select-Object -Last 1) -split ' ' | Select-Object -Index 2
        $first.HostKeyFingerprint | Should -Be $expected
        $first.HostKeyFingerprint | Should -Match '^SHA256:[A-Za-z0-9+/]{43}$'
    }

    It 'finds open sessions again by name and by object' {
        (Get-SwarmHost -Name $Node1.address).Address | Should -Be $Node1.address
        (Get-SwarmHost -Name '10.213.7.10*').Count | Should -BeGreaterOrEqual 2
        { Get-SwarmHost -Name 'not-connected' -ErrorAction Stop } | Should -Throw -ErrorId 'HostNotConnected,SwarmPS.Commands.GetSwarmHostCommand'
    }

    It 'connects with the password from -Credential' {
        $h = Connect-SwarmHost -HostName $Node3.address -Credential $PasswordCredential -AcceptNewHostKey
        $h.Connected | Should -BeTrue
        $h.UserName | Should -Be 'core'
    }

    It 'reaches an engine with no TCP port at all over SSH (-Transport Ssh)' {
        $engine = Get-DockerHost -HostName $Node3.address -Transport Ssh
        $engine.Endpoint | Should -Be "ssh://core@$($Node3.address)"
        $engine.Tls | Should -BeFalse
        $engine.OperatingSystem | Should -Match 'Debian'
        $engine.ApiVersion | Should -Match '^1\.\d+$'
        (Get-NodeFacts $Node3)[2] | Should -Be '' -Because 'nothing listens on TCP 2375 or 2376'
        { Get-DockerHost -HostName 10.213.7.199 -Transport Ssh -ErrorAction Stop } | Should -Throw -ErrorId 'HostNotConnected,SwarmPS.Commands.GetDockerHostCommand'
    }

    It 'refuses a changed host key with both fingerprints, and runs nothing' {
        $other = Join-Path $Scratch 'forged_known_hosts'
        & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $Scratch 'forged') | Out-Null
        $forged = (Get-Content (Join-Path $Scratch 'forged.pub')) -split ' '
        Set-Content $other "$($Node2.address) $($forged[0]) $($forged[1])"
        $realFingerprint = (Get-SwarmHost -Name $Node2.address).HostKeyFingerprint
        Disconnect-SwarmHost -Name $Node2.address -Confirm:$false
        Connect-SwarmHost -HostName $Node2.address -UserName core -KeyFile $Key -KnownHostsFile $other -AcceptNewHostKey -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'HostKeyMismatch,SwarmPS.Commands.ConnectSwarmHostCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $failures[0].TargetObject | Should -Be $Node2.address
        $forgedFingerprint = ((& ssh-keygen -l -E sha256 -f (Join-Path $Scratch 'forged.pub')) -split ' ')[1]
        $failures[0].Exception.Message | Should -BeLike "*$forgedFingerprint*"
        $failures[0].Exception.Message | Should -BeLike "*$realFingerprint*"
        Get-SwarmHost | Where-Object Name -eq $Node2.address | Should -BeNullOrEmpty
        (Connect-SwarmHost -HostName $Node2.address -UserName core -KeyFile $Key).Connected | Should -BeTrue
        (Get-Content $other) | Should -HaveCount 1
    }

    It 'reports a wrong password as AuthenticationFailed' {
        $wrong = [pscredential]::new('core', (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        Disconnect-SwarmHost -Name $Node3.address -Confirm:$false
        { Connect-SwarmHost -HostName $Node3.address -Port 22 -Credential $wrong -KnownHostsFile (Join-Path $Scratch 'kh-auth') -AcceptNewHostKey -ErrorAction Stop } |
            Should -Throw -ErrorId 'AuthenticationFailed,SwarmPS.Commands.ConnectSwarmHostCommand'
    }

    It 'reports an unreachable host and still connects the others' {
        $results = Connect-SwarmHost -HostName '127.0.0.1', $Node1.address -Port 22 -UserName core -KeyFile $Key -ErrorVariable failures -ErrorAction SilentlyContinue
        ($results | Where-Object Name -eq $Node1.address).Connected | Should -BeTrue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'Host*,SwarmPS.Commands.ConnectSwarmHostCommand'
        $failures[0].TargetObject | Should -Be '127.0.0.1'
    }

    It 're-opens a dropped session transparently, with the same host key' {
        # Kill every sshd session of core on the node, ours included; the plain ssh that does it dies too.
        Get-OwnTcpConnection -Address $Node1.address -Port $Node1.sshPort | Should -Not -BeNullOrEmpty -Because 'a session to the node is open before it is dropped'
        Invoke-LabSsh -Node $Node1 -Command "sudo -n pkill -KILL -u core -f 'sshd: core'" | Out-Null
        Wait-Until { -not (Get-OwnTcpConnection -Address $Node1.address -Port $Node1.sshPort) } -Timeout 15 `
            -Because 'the node''s killed sshd has dropped this process''s SSH connection'
        Enable-DockerTcpSocket -HostName $Node1.address -Insecure -WhatIf -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -BeNullOrEmpty
        (Get-SwarmHost -Name $Node1.address).Connected | Should -BeTrue
    }

    It 'plans with -WhatIf before any CA exists, and creates none' {
        Enable-DockerTcpSocket -HostName $Node1.address -Label 'storage=ssd' -WhatIf -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -BeNullOrEmpty
        Test-Path (Join-Path $env:SWARMPS_STATE_DIR 'tls') | Should -BeFalse
    }

    It 'rejects a port out of range before connecting' {
        { Connect-SwarmHost -HostName $Node1.address -Port 70000 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SwarmPS.Commands.ConnectSwarmHostCommand'
    }
}

Describe 'Enable-DockerTcpSocket with mutual TLS (the default)' -Tag Lab {
    BeforeAll {
        $script:Before = @{ 1 = Get-NodeFacts $Node1; 2 = Get-NodeFacts $Node2 }
        $script:Output = @(
            [pscustomobject]@{ HostName = $Node1.address; Label = 'storage=ssd' }
            [pscustomobject]@{ HostName = $Node2.address; Label = 'storage=disk' }
        ) | Enable-DockerTcpSocket -Confirm:$false -Verbose -Debug *>&1
        $script:Engines = $Output | Where-Object { $_ -is [SwarmPS.DockerHost] }
    }

    It 'returns a DockerHost per host, changed, on TLS port 2376 with its labels' {
        $Engines | Should -HaveCount 2
        $ssd = $Engines | Where-Object Name -eq $Node1.address
        $ssd.Endpoint | Should -Be "tcp://$($Node1.address):2376"
        $ssd.Tls | Should -BeTrue
        $ssd.Changed | Should -BeTrue
        $ssd.Labels.storage | Should -Be 'ssd'
        ($Engines | Where-Object Name -eq $Node2.address).Labels.storage | Should -Be 'disk'
        $ssd.ApiVersion | Should -Match '^1\.\d+$'
    }

    It 'lets the real docker CLI with the client certificate see each engine''s labels' {
        Invoke-DockerCli $Node1 @('info', '--format', '{{json .Labels}}') | Should -Be '["storage=ssd"]'
        Invoke-DockerCli $Node2 @('info', '--format', '{{json .Labels}}') | Should -Be '["storage=disk"]'
    }

    It 'refuses a client without a certificate' {
        & curl -s -k --max-time 10 "https://$($Node1.address):2376/version" | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'leaves nothing listening on 2375 and the local unix socket working' {
        (Get-NodeFacts $Node1)[2] | Should -Be ':2376 '
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker version --format "{{.Server.Version}}"' | Should -Match '^\d+\.'
    }

    It 'keeps private keys readable by the user only' {
        if (-not $IsWindows) {
            (Get-Item (Join-Path $env:SWARMPS_STATE_DIR 'tls/ca-key.pem')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item (Join-Path $env:SWARMPS_STATE_DIR 'tls/client-key.pem')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        }
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n stat -c %a /etc/docker/swarmps/server-key.pem' | Should -Be '600'
    }

    It 'names in the server certificate only what clients dial: not docker0, not localhost' {
        $pem = (Invoke-LabSsh -Node $Node1 -Command 'sudo -n cat /etc/docker/swarmps/server-cert.pem') -join "`n"
        $certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($pem)
        $names = $certificate.Extensions | Where-Object { $_ -is [System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension] }
        @($names.EnumerateIPAddresses() | ForEach-Object ToString) | Should -Be @($Node1.address)
        @($names.EnumerateDnsNames()) | Should -BeNullOrEmpty
    }

    It 'changes nothing on a second run: Changed is False and the engine was not restarted' {
        $startedBefore = (Get-NodeFacts $Node1)[1]
        $pidBefore = Get-EnginePid $Node1
        $since = Start-SudoCount
        $took = Measure-Command { $script:Again = Enable-DockerTcpSocket -HostName $Node1.address -Label @{ storage = 'ssd' } -Confirm:$false }
        Write-Host "TIMING second run on one host (nothing to change): $([int]$took.TotalMilliseconds) ms"
        $Again.Changed | Should -BeFalse
        (Get-NodeFacts $Node1)[1] | Should -Be $startedBefore
        Get-EnginePid $Node1 | Should -Be $pidBefore
        Get-SudoCount $Node1 $since | Should -Be 1 -Because 'the plan is one round trip, and nothing is applied'
    }

    It 'says what it would change with -WhatIf, and changes nothing' {
        $startedBefore = (Get-NodeFacts $Node1)[1]
        # What-if text goes to the host, so read it from a child pwsh's console.
        $script = "`$env:SWARMPS_STATE_DIR='$env:SWARMPS_STATE_DIR'; `$env:SWARMPS_KNOWN_HOSTS='$env:SWARMPS_KNOWN_HOSTS'; Import-Module '$env:SWARMPS_TEST_MODULE'; Enable-DockerTcpSocket -HostName $($Node1.address) -UserName core -KeyFile '$Key' -Label 'zone=a' -WhatIf"
        $said = & dotnet pwsh -NoProfile -NonInteractive -Command $script
        ($said -join ' ') | Should -BeLike "*What if*zone=a*reload the Docker engine (running containers keep running)*$($Node1.address)*"
        ($said -join ' ') | Should -Not -BeLike '*restart*'
        (Get-NodeFacts $Node1)[1] | Should -Be $startedBefore
        Invoke-DockerCli $Node1 @('info', '--format', '{{json .Labels}}') | Should -Be '["storage=ssd"]'
    }

    It 'finds the engine again with Get-DockerHost, by name and by object' {
        $info = Get-DockerHost -HostName $Node1.address
        $info.Labels.storage | Should -Be 'ssd'
        $info.OperatingSystem | Should -Match 'Debian'
        $info.CPUs | Should -BeGreaterThan 0
        $info.StorageDriver | Should -Not -BeNullOrEmpty
        $info.SwarmState | Should -Be 'inactive'
        (Get-SwarmHost -Name $Node2.address | Get-DockerHost).Labels.storage | Should -Be 'disk'
    }

    It 'puts no secret in any stream, even with -Verbose and -Debug' {
        $text = ($Output | ForEach-Object { "$_" }) -join "`n"
        $text | Should -Not -BeLike '*PRIVATE KEY*'
        $text | Should -Not -BeLike "*$($Lab.password)*"
        ($Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Enable-DockerTcpSocket refusals: nothing changes' -Tag Lab {
    It 'refuses to restart an engine with running containers without -Force' {
        # A bare host needs the TCP socket, so a restart: running containers are a reason to refuse.
        Invoke-LabSsh -Node $Node3 -Command "sudo -n docker run -d --name keepalive $($Lab.image) sleep 600" | Out-Null
        $pidBefore = Get-EnginePid $Node3
        { Enable-DockerTcpSocket -HostName $Node3.address -Credential $PasswordCredential -Label 'zone=a' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ContainersRunning,SwarmPS.Commands.EnableDockerTcpSocketCommand'
        Invoke-LabSsh -Node $Node3 -Command "sudo -n docker inspect -f '{{.State.Running}}' keepalive" | Should -Be 'true'
        Get-EnginePid $Node3 | Should -Be $pidBefore
        Invoke-LabSsh -Node $Node3 -Command 'test -e /etc/systemd/system/docker-tcp.socket && echo yes || echo no' | Should -Be 'no'
        Invoke-LabSsh -Node $Node3 -Command 'sudo -n docker rm -f keepalive' | Out-Null
    }

    It 'changes only labels with a reload: no restart, no -Force, the running container untouched' {
        Invoke-LabSsh -Node $Node1 -Command "sudo -n docker run -d --name keepalive $($Lab.image) sleep 600" | Out-Null
        try {
            $startedAt = Invoke-LabSsh -Node $Node1 -Command "sudo -n docker inspect -f '{{.State.StartedAt}}' keepalive"
            $pidBefore = Get-EnginePid $Node1
            $since = Start-SudoCount
            $took = Measure-Command { $script:Relabeled = Enable-DockerTcpSocket -HostName $Node1.address -Label 'zone=a' -Confirm:$false -ErrorAction Stop }
            Write-Host "TIMING label change on one host with a container running (reload): $([int]$took.TotalMilliseconds) ms"
            $Relabeled.Changed | Should -BeTrue
            $Relabeled.Labels.zone | Should -Be 'a'
            $Relabeled.Labels.storage | Should -Be 'ssd'
            # A reload may list the labels in another order than daemon.json: compare them as a set.
            Invoke-DockerCli $Node1 @('info', '--format', '{{json .Labels}}') | ConvertFrom-Json | Sort-Object | Should -Be @('storage=ssd', 'zone=a')
            Get-EnginePid $Node1 | Should -Be $pidBefore
            Invoke-LabSsh -Node $Node1 -Command "sudo -n docker inspect -f '{{.State.Running}} {{.State.StartedAt}}' keepalive" | Should -Be "true $startedAt"
            Get-SudoCount $Node1 $since | Should -Be 2 -Because 'the plan is one round trip and the apply one more'
        }
        finally {
            Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker rm -f keepalive' | Out-Null
        }
    }

    It 'explains a broken daemon.json before changing anything' {
        Invoke-LabSsh -Node $Node3 -Command "echo '{ broken' | sudo -n tee /etc/docker/daemon.json >/dev/null" | Out-Null
        { Enable-DockerTcpSocket -HostName $Node3.address -Credential $PasswordCredential -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DaemonJsonInvalid,SwarmPS.Commands.EnableDockerTcpSocketCommand'
        Invoke-LabSsh -Node $Node3 -Command 'sudo -n cat /etc/docker/daemon.json' | Should -Be '{ broken'
        Invoke-LabSsh -Node $Node3 -Command 'test -e /etc/systemd/system/docker-tcp.socket && echo yes || echo no' | Should -Be 'no'
    }

    It 'explains a hosts entry that clashes with systemd''s -H fd://' {
        Invoke-LabSsh -Node $Node3 -Command "echo '{`"hosts`": [`"tcp://0.0.0.0:2375`"]}' | sudo -n tee /etc/docker/daemon.json >/dev/null" | Out-Null
        $failure = $null
        try { Enable-DockerTcpSocket -HostName $Node3.address -Credential $PasswordCredential -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'DaemonJsonHostsConflict,SwarmPS.Commands.EnableDockerTcpSocketCommand'
        $failure.Exception.Message | Should -BeLike '*fd://*'
        Invoke-LabSsh -Node $Node3 -Command 'sudo -n rm -f /etc/docker/daemon.json' | Out-Null
    }

    It 'rejects a label that is not key=value, before touching any host' {
        { Enable-DockerTcpSocket -HostName $Node3.address -Label 'storage' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'LabelInvalid,SwarmPS.Commands.EnableDockerTcpSocketCommand'
    }
}

Describe 'Enable-DockerTcpSocket with a row per label' -Tag Lab {
    It 'merges the rows of one host into one change with every label' {
        $result = @(
            [pscustomobject]@{ HostName = $Node2.address; Label = 'zone=b' }
            [pscustomobject]@{ HostName = $Node2.address; Label = 'rack=r2' }
        ) | Enable-DockerTcpSocket -Confirm:$false -ErrorAction Stop
        $result | Should -HaveCount 1
        $result.Labels.storage | Should -Be 'disk'
        $result.Labels.zone | Should -Be 'b'
        $result.Labels.rack | Should -Be 'r2'
        Invoke-LabSsh -Node $Node2 -Command 'sudo -n ls /var/lib/swarmps/backup | wc -l' | Should -Be '2'
    }

    It 'stops on two values for one label of one host, before any host changes' {
        $startedBefore = (Get-NodeFacts $Node2)[1]
        $rows = @(
            [pscustomobject]@{ HostName = $Node1.address; Label = 'zone=a' }
            [pscustomobject]@{ HostName = $Node2.address; Label = 'zone=c' }
            [pscustomobject]@{ HostName = $Node2.address; Label = 'zone=d' }
        )
        $node1Labels = Invoke-DockerCli $Node1 @('info', '--format', '{{json .Labels}}')
        { $rows | Enable-DockerTcpSocket -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'LabelConflict,SwarmPS.Commands.EnableDockerTcpSocketCommand'
        (Get-NodeFacts $Node2)[1] | Should -Be $startedBefore
        Invoke-DockerCli $Node1 @('info', '--format', '{{json .Labels}}') | Should -Be $node1Labels
    }
}

Describe 'Enable-DockerTcpSocket -Insecure' -Tag Lab {
    It 'gives the seed''s plain TCP on 2375, merges existing settings, and warns what it exposes' {
        Invoke-LabSsh -Node $Node3 -Command "echo '{`"log-level`": `"warn`", `"labels`": [`"rack=r1`"]}' | sudo -n tee /etc/docker/daemon.json >/dev/null" | Out-Null
        $result = Enable-DockerTcpSocket -HostName $Node3.address -Credential $PasswordCredential -Label 'storage=disk' -Insecure -Confirm:$false -WarningVariable warnings
        $result.Endpoint | Should -Be "tcp://$($Node3.address):2375"
        $result.Tls | Should -BeFalse
        $result.Labels.storage | Should -Be 'disk'
        $result.Labels.rack | Should -Be 'r1'
        ($warnings -join ' ') | Should -BeLike '*WITHOUT authentication*2375*'
        (& curl -s --max-time 10 "http://$($Node3.address):2375/info" | ConvertFrom-Json).Labels | Sort-Object | Should -Be @('rack=r1', 'storage=disk')
        (Invoke-LabSsh -Node $Node3 -Command 'sudo -n cat /etc/docker/daemon.json' | ConvertFrom-Json).'log-level' | Should -Be 'warn'
    }
}

Describe 'Disable-DockerTcpSocket' -Tag Lab {
    It 'returns a host to bare: no listener, original files back' {
        Disable-DockerTcpSocket -HostName $Node2.address -Confirm:$false
        (Get-NodeFacts $Node2)[0] | Should -Be '[]'
        (Get-NodeFacts $Node2)[2] | Should -Be ''
        Invoke-LabSsh -Node $Node2 -Command 'ls /etc/systemd/system/docker-tcp.socket /etc/docker/daemon.json /var/lib/swarmps 2>/dev/null | wc -l' | Should -Be '0'
    }

    It 'restores a daemon.json that existed before, keeping an edit made after Enable' {
        Invoke-LabSsh -Node $Node3 -Command "sudo -n sed -i 's/`"log-level`": `"warn`"/`"log-level`": `"error`"/' /etc/docker/daemon.json" | Out-Null
        Disable-DockerTcpSocket -HostName $Node3.address -Credential $PasswordCredential -Confirm:$false
        $restored = Invoke-LabSsh -Node $Node3 -Command 'sudo -n cat /etc/docker/daemon.json' | ConvertFrom-Json
        $restored.labels | Should -Be @('rack=r1')
        $restored.'log-level' | Should -Be 'error'
        Invoke-LabSsh -Node $Node3 -Command 'test -e /etc/systemd/system/docker-tcp.socket && echo yes || echo no' | Should -Be 'no'
        (Get-NodeFacts $Node3)[2] | Should -Be ''
    }

    It 'changes nothing on a host SwarmPS never changed' {
        $said = Disable-DockerTcpSocket -HostName $Node2.address -Verbose 4>&1 | Out-String
        $said | Should -BeLike '*nothing to undo*'
    }
}

Describe 'Enable-DockerTcpSocket stopped with Ctrl+C' -Tag Lab {
    It 'waits for the host in flight, rolls it back, and reports OperationStopped' {
        $runner = [powershell]::Create()
        try {
            $null = $runner.AddScript("Import-Module '$env:SWARMPS_TEST_MODULE'; Enable-DockerTcpSocket -HostName $($Node2.address) -UserName core -KeyFile '$Key' -Label 'zone=stop' -Confirm:`$false")
            $pending = $runner.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(90)
            while ([datetime]::UtcNow -lt $deadline -and -not ($runner.Streams.Progress | Where-Object StatusDescription -eq 'Restarting the Docker engine')) {
                Start-Sleep -Milliseconds 50
            }
            $runner.Streams.Progress | Where-Object StatusDescription -eq 'Restarting the Docker engine' | Should -Not -BeNullOrEmpty
            $runner.Stop()
            $pending.IsCompleted | Should -BeTrue
            $stopped = @($runner.Runspace.SessionStateProxy.GetVariable('Error') | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'OperationStopped,*' })
            $stopped | Should -HaveCount 1
            $stopped[0].CategoryInfo.Category | Should -Be 'OperationStopped'
            $stopped[0].TargetObject | Should -Be $Node2.address
        }
        finally {
            $runner.Dispose()
        }
        # Rolled back: the bare host it was before, its engine up on the unix socket only.
        Invoke-LabSsh -Node $Node2 -Command 'ls /etc/systemd/system/docker-tcp.socket /etc/docker/daemon.json 2>/dev/null | wc -l' | Should -Be '0'
        (Get-NodeFacts $Node2)[0] | Should -Be '[]'
        (Get-NodeFacts $Node2)[2] | Should -Be ''
    }
}

Describe 'Enable-DockerTcpSocket on a bare host, timed' -Tag Lab {
    It 'exposes a bare host with one round trip to plan and one to apply, and says how long it took' {
        Invoke-LabSsh -Node $Node2 -Command 'test -e /etc/systemd/system/docker-tcp.socket && echo yes || echo no' | Should -Be 'no'
        $pidBefore = Get-EnginePid $Node2
        $since = Start-SudoCount
        $took = Measure-Command { $script:Fresh = Enable-DockerTcpSocket -HostName $Node2.address -Label 'storage=disk' -Confirm:$false -ErrorAction Stop }
        Write-Host "TIMING Enable-DockerTcpSocket of one bare host with TLS (restart): $([int]$took.TotalMilliseconds) ms"
        $Fresh.Changed | Should -BeTrue
        $Fresh.Labels.storage | Should -Be 'disk'
        Invoke-DockerCli $Node2 @('info', '--format', '{{json .Labels}}') | Should -Be '["storage=disk"]'
        Get-EnginePid $Node2 | Should -Not -Be $pidBefore -Because 'the TCP socket is new, so the engine restarted'
        Get-SudoCount $Node2 $since | Should -Be 2 -Because 'the plan is one round trip and the apply one more'
    }
}

Describe 'Isolation from another SSH library version in the same process' -Tag Lab {
    It 'still connects with BouncyCastle 2.4.0 loaded first, as Posh-SSH would' {
        $cache = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
        $bouncy = Join-Path $cache 'bouncycastle.cryptography/2.4.0/lib/net6.0/BouncyCastle.Cryptography.dll'
        Test-Path $bouncy | Should -BeTrue
        $script = @"
Add-Type -Path '$bouncy'
Import-Module '$env:SWARMPS_TEST_MODULE'
`$h = Connect-SwarmHost -HostName $($Node1.address) -UserName core -KeyFile '$Key' -AcceptNewHostKey -ErrorAction Stop
`$loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'BouncyCastle.Cryptography' } | ForEach-Object { `$_.GetName().Version.ToString() }
"`$(`$h.Connected);`$((`$loaded | Sort-Object) -join ',')"
"@
        $out = & dotnet pwsh -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $connected, $versions = ($out | Select-Object -Last 1) -split ';'
        $connected | Should -Be 'True'
        ($versions -split ',').Count | Should -Be 2 -Because 'the default context keeps 2.4.0 and SwarmPS loads its own'
    }
}
