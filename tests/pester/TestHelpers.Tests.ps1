# The helpers the lab tests lean on, checked without a lab: a wait that gives up with its reason, the view of
# this process's TCP connections, and Get-Lab's refusal when there is no lab file.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Wait-Until' {
    It 'returns as soon as the condition holds, seeing the caller''s variables' {
        $checks = [System.Collections.Generic.List[int]]::new()
        $target = 3
        Wait-Until { $checks.Add($checks.Count); $checks.Count -ge $target } -Timeout 10 -Interval 0.01 -Because 'three checks were made'
        $checks.Count | Should -Be 3
    }

    It 'throws with what it waited for when the deadline passes' {
        $started = [datetime]::UtcNow
        { Wait-Until { $false } -Timeout 0.3 -Interval 0.05 -Because 'pigs fly' } | Should -Throw '*0.3 s*until pigs fly.'
        ([datetime]::UtcNow - $started).TotalSeconds | Should -BeGreaterOrEqual 0.3
    }

    It 'keeps trying a condition that throws, and gives its last error at the deadline' {
        { Wait-Until { throw 'not yet' } -Timeout 0.2 -Interval 0.05 -Because 'it stops throwing' } |
            Should -Throw '*until it stops throwing. The last check failed: not yet'
    }
}

Describe 'Get-OwnTcpConnection' {
    It 'lists this process''s connection to an address and port, and no longer once it is closed' {
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $listener.Start()
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            $port = $listener.LocalEndpoint.Port
            $client.Connect('127.0.0.1', $port)
            $accepted = $listener.AcceptTcpClient()
            Get-OwnTcpConnection -Address 127.0.0.1 -Port $port | Should -HaveCount 1
            Get-OwnTcpConnection -Address 127.0.0.1 -Port ($port + 1) | Should -BeNullOrEmpty
            $client.Dispose()
            Wait-Until { -not (Get-OwnTcpConnection -Address 127.0.0.1 -Port $port) } -Timeout 10 -Because 'the closed connection is gone'
        }
        finally {
            $client.Dispose()
            if ($accepted) { $accepted.Dispose() }
            $listener.Stop()
        }
    }
}

Describe 'Get-Lab without a lab' {
    BeforeAll {
        $script:SavedLab = $env:SWARMPS_TEST_LAB
        $env:SWARMPS_TEST_LAB = Join-Path $TestDrive 'absent/lab.json'
    }

    AfterAll {
        $env:SWARMPS_TEST_LAB = $SavedLab
    }

    It 'says the lab is not up, and where tests that need it run' {
        Test-Lab | Should -BeFalse
        { Get-Lab } | Should -Throw '*The lab is not up*tagged Lab*-Task Test*'
    }
}

Describe 'Initialize-TestState' {
    It 'points SwarmPS''s state, known_hosts and the Docker CLI''s configuration at one scratch folder' {
        $saved = $env:SWARMPS_STATE_DIR, $env:SWARMPS_KNOWN_HOSTS, $env:DOCKER_CONFIG
        try {
            $root = Initialize-TestState
            $root | Should -Exist
            $env:SWARMPS_STATE_DIR | Should -Be (Join-Path $root 'state')
            $env:SWARMPS_KNOWN_HOSTS | Should -Be (Join-Path $root 'known_hosts')
            $env:DOCKER_CONFIG | Should -Be (Join-Path $root 'docker')
            $env:DOCKER_CONFIG | Should -Not -Be (Join-Path $HOME '.docker')
        }
        finally {
            $env:SWARMPS_STATE_DIR, $env:SWARMPS_KNOWN_HOSTS, $env:DOCKER_CONFIG = $saved
            if ($root) { Remove-Item -Recurse -Force $root -ErrorAction Ignore }
        }
    }
}
