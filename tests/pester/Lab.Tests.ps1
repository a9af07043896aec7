# The lab's own checks: plain ssh, sshpass and the nodes' tools; no SwarmPS code is involved.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # Hashtables, so each test sees $name and $node. Discovery runs in the unit tier too, where there is no
    # lab: one stand-in node then keeps these tests in the run, to fail (Get-Lab throws) if the filter let them run.
    $script:Nodes = if (Test-Lab) {
        @((Get-Lab).nodes | ForEach-Object { @{ name = $_.name; node = $_ } })
    } else {
        @(@{ name = '(no lab)'; node = $null })
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
}

Describe 'Lab node <name>' -ForEach $Nodes -Tag Lab {
    It 'answers SSH as core with the lab key' {
        Invoke-LabSsh -Node $node -Command 'id -un' | Should -Be 'core'
        $LASTEXITCODE | Should -Be 0
    }

    It 'answers SSH as core with the password' {
        $known = Join-Path (Split-Path $env:SWARMPS_TEST_LAB) 'known_hosts'
        $env:SSHPASS = $node.password
        try {
            $out = & sshpass -e ssh -o "UserKnownHostsFile=$known" -o StrictHostKeyChecking=accept-new `
                -o PubkeyAuthentication=no -o PreferredAuthentications=password -p $node.sshPort "$($node.user)@$($node.address)" 'id -un'
        }
        finally {
            Remove-Item Env:SSHPASS
        }
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 'core'
    }

    It 'reports systemd as running' {
        Invoke-LabSsh -Node $node -Command 'systemctl is-system-running' | Should -Be 'running'
    }

    It 'has the name it is known by' {
        Invoke-LabSsh -Node $node -Command 'hostname' | Should -Be $node.name
    }

    It 'has a local engine that answers through sudo docker' {
        Invoke-LabSsh -Node $node -Command 'sudo -n docker info --format "{{.ServerVersion}}"' | Should -Match '^\d+\.\d+'
    }

    It 'has the busybox image' {
        Invoke-LabSsh -Node $node -Command "sudo -n docker image inspect --format '{{.Id}}' $($Lab.image)" | Should -Match '^sha256:'
    }

    It 'starts bare: no TCP socket, no engine labels, no swarm' {
        Invoke-LabSsh -Node $node -Command "sudo -n ss -ltnH | awk '{print `$4}' | grep -E ':(2375|2376)$' || echo none" | Should -Be 'none'
        Invoke-LabSsh -Node $node -Command 'sudo -n docker info --format "{{json .Labels}}"' | Should -Be '[]'
        Invoke-LabSsh -Node $node -Command 'sudo -n docker info --format "{{.Swarm.LocalNodeState}}"' | Should -Be 'inactive'
    }
}

Describe 'The lab as a whole' -Tag Lab {
    It 'gives every node its own SSH host key' {
        $keys = foreach ($node in $Lab.nodes) {
            (& ssh-keyscan -t ed25519 -p $node.sshPort $node.address 2>$null) -split ' ' | Select-Object -Last 1
        }
        $keys.Count | Should -Be $Lab.nodes.Count
        ($keys | Sort-Object -Unique).Count | Should -Be $Lab.nodes.Count
    }

    It 'gives every node its own address on the lab subnet' {
        # Not $Lab.nodes.address: arrays have an Address() method that member enumeration would find.
        $addresses = $Lab.nodes | ForEach-Object address
        ($addresses | Sort-Object -Unique).Count | Should -Be $Lab.nodes.Count
        $addresses | ForEach-Object { $_ | Should -Match '^10\.213\.7\.\d+$' }
    }
}
