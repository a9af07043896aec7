# Overlay networks against the lab: a web container reaches the database container by its service name over an
# overlay network that spans two nodes, the refusals (a local network of the same name, an unknown network, a network
# in use, dnsrr with the routing mesh), and create/remove again changing nothing.
# The lab's kernel has no IPVS, so a service's virtual IP does not carry traffic here (docs/lab.md): db answers by DNS
# round robin (-EndpointMode Dnsrr), which resolves its name to the task's own address on the overlay network.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name seed

    # busybox-static cannot resolve names (no NSS): the client image adds glibc's getent, the libraries it loads and
    # nsswitch.conf, copied from the node itself, over the lab's busybox image. Made on every node (no registry).
    $script:ClientImage = 'swarmps/getent:latest'
    $build = @'
set -e
files="usr/bin/getent etc/nsswitch.conf $(ldd /usr/bin/getent | grep -o '/[^ ]*' | sed 's|^/||') $(ls /lib/*-linux-gnu/libnss_dns.so.2 /lib/*-linux-gnu/libnss_files.so.2 /lib/*-linux-gnu/libresolv.so.2 2>/dev/null | sed 's|^/||')"
sudo -n docker rm -f getentbase >/dev/null 2>&1 || true
sudo -n docker create --name getentbase @BASE_IMAGE@ >/dev/null
sudo -n tar -chf - -C / $(echo $files | tr ' ' '\n' | sort -u) | sudo -n docker cp - getentbase:/
sudo -n docker commit getentbase @CLIENT_IMAGE@ >/dev/null
sudo -n docker rm getentbase >/dev/null
echo made
'@ -creplace '@BASE_IMAGE@', $Lab.image -creplace '@CLIENT_IMAGE@', $ClientImage
    foreach ($node in $Lab.nodes) {
        $made = Invoke-LabSsh -Node $node -Command $build
        if (@($made)[-1] -ne 'made') { throw "Could not make the client image on $($node.name): $made" }
    }

    # Runs a command in a running container of the service, with docker exec on the node it runs on.
    function script:Invoke-InContainer([string] $Service, [string] $Command) {
        $container = Get-SwarmContainer -Name $Service | Where-Object State -eq 'running' | Select-Object -First 1
        $node = $Lab.nodes | Where-Object name -eq $container.Node
        Invoke-LabSsh -Node $node -Command "sudo -n docker exec $($container.ContainerId) $Command"
    }
}

AfterAll {
    Remove-SwarmContainer -Name web, db, ghost -Confirm:$false -ErrorAction Ignore
    Remove-SwarmNetwork -Name appnet, localnet -Confirm:$false -ErrorAction Ignore
    Invoke-LabSsh -Node $Lab.nodes[0] -Command 'sudo -n docker network rm localnet' | Out-Null
    Remove-SwarmCluster -Name seed -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Overlay networks' -Tag Lab {
    It 'creates an attachable overlay network once; the same again changes nothing, other options are NetworkExists' {
        $network = New-SwarmNetwork -Name appnet -Attachable -Subnet 10.231.77.0/24 -Gateway 10.231.77.1 -Label @{ app = 'shop' } -Confirm:$false
        $network | Should -BeOfType ([SwarmPS.SwarmNetwork])
        $network.Changed | Should -BeTrue
        $network.Driver | Should -Be 'overlay'
        $network.Scope | Should -Be 'swarm'
        $network.Attachable | Should -BeTrue
        $network.Subnets | Should -Be @('10.231.77.0/24')

        (New-SwarmNetwork -Name appnet -Attachable -Subnet 10.231.77.0/24 -Confirm:$false).Changed | Should -BeFalse
        { New-SwarmNetwork -Name appnet -Encrypted -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NetworkExists,SwarmPS.Commands.NewSwarmNetworkCommand'
        (Get-SwarmNetwork -Name appnet).Labels['app'] | Should -Be 'shop'
        (Get-SwarmNetwork).Name | Should -Contain 'ingress'
    }

    It 'refuses a name that a local bridge network on the manager has, for New-SwarmNetwork and for -Network' {
        Invoke-LabSsh -Node $Lab.nodes[0] -Command 'sudo -n docker network create -d bridge localnet' | Out-Null
        New-SwarmNetwork -Name localnet -Confirm:$false -ErrorVariable notOverlay -ErrorAction SilentlyContinue
        $notOverlay[0].FullyQualifiedErrorId | Should -Be 'NetworkNotOverlay,SwarmPS.Commands.NewSwarmNetworkCommand'
        $notOverlay[0].TargetObject | Should -Be 'localnet'
        $notOverlay[0].Exception.Message | Should -BeLike '*bridge*another name*'
        { New-SwarmContainer -Name ghost -Image $Lab.image -Command sleep, 3600 -Network localnet -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NetworkNotOverlay,SwarmPS.Commands.NewSwarmContainerCommand'
        Get-SwarmNetwork -Name localnet -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-SwarmNetwork -Name localnet -IncludeLocal).Driver | Should -Be 'bridge'
    }

    It 'refuses an unknown network before any container is created' {
        { New-SwarmContainer -Name ghost -Image $Lab.image -Command sleep, 3600 -Network no_such_net -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'NetworkNotFound,SwarmPS.Commands.NewSwarmContainerCommand'
        Get-SwarmContainer -Name ghost -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'lets the web container on a disk node reach the db container on the ssd node by its service name' {
        New-SwarmContainer -Name db -Image $Lab.image -Command sh, -c, 'mkdir -p /www && echo db-over-overlay > /www/index.html && exec httpd -f -p 80 -h /www' `
            -Network appnet -EndpointMode Dnsrr -Constraint 'storage==ssd' -Confirm:$false | Out-Null
        $web = New-SwarmContainer -Name web -Image $ClientImage -Command sleep, 3600 -Network 'name=appnet,alias=frontend' -Constraint 'storage==disk' -Confirm:$false
        $web.Node | Should -Not -Be (Get-SwarmContainer -Name db).Node
        $web.Networks | Should -Contain 'appnet'

        Wait-Until -Timeout 30 -Interval 1 -Because 'Docker''s DNS on appnet answers for db' { @(Invoke-InContainer web 'getent hosts db')[0] -match '^10\.' }
        $resolved = @(Invoke-InContainer web 'getent hosts db')
        $resolved[0] | Should -Match '^10\.231\.77\.\d+\s+db$'
        $address = ($resolved[0] -split '\s+')[0]
        $Fetch = 'sh -c ''printf "GET / HTTP/1.0\r\n\r\n" | nc -w 5 {0} 80''' -f $address
        try {
            # busybox-static's wget looks the port name up through NSS and segfaults; nc takes the number as it is.
            Wait-Until -Timeout 30 -Interval 1 -Because 'db answers on the overlay network' { @(Invoke-InContainer web $Fetch) -contains 'db-over-overlay' }
        }
        catch {
            # Say what the network did, not only that the wait ran out.
            $ping = Invoke-InContainer web "ping -c 2 -W 2 $address 2>&1"
            $fetch = Invoke-InContainer web "$Fetch 2>&1"
            $listening = Invoke-InContainer db "sh -c 'ps; netstat -ltn; ls -l /www' 2>&1"
            $dbNode = (Get-SwarmContainer -Name db).Node
            throw "web ($($web.Node)) could not fetch from db ($dbNode) at ${address}: nc said '$($fetch -join ' | ')'; ping said '$($ping -join ' ')'; in db: '$($listening -join ' | ')'. $_"
        }
        @(Invoke-InContainer web $Fetch) | Should -Contain 'db-over-overlay'
        # The alias given with -Network resolves on the network too.
        @(Invoke-InContainer web 'getent hosts frontend')[0] | Should -Match '^10\.231\.77\.\d+\s+frontend$'
        (Get-SwarmNetwork -Name appnet).UsedBy | Should -Be @('db', 'web')
    }

    It 'leaves the same network settings as they are and refuses dnsrr with the routing mesh' {
        (Set-SwarmContainer -Name web -Network 'name=appnet,alias=frontend' -Confirm:$false).Changed | Should -BeFalse
        Set-SwarmContainer -Name db -Publish 8080:80 -PublishMode Ingress -Confirm:$false -ErrorVariable conflict -ErrorAction SilentlyContinue
        $conflict[0].FullyQualifiedErrorId | Should -Be 'EndpointModeConflict,SwarmPS.Commands.SetSwarmContainerCommand'
        (Get-SwarmContainer -Name db).Ports | Should -BeNullOrEmpty
    }

    It 'refuses to remove the network while containers use it, removes it after, and again changes nothing' {
        Remove-SwarmNetwork -Name appnet -Confirm:$false -ErrorVariable inUse -ErrorAction SilentlyContinue
        $inUse[0].FullyQualifiedErrorId | Should -Be 'NetworkInUse,SwarmPS.Commands.RemoveSwarmNetworkCommand'
        $inUse[0].Exception.Message | Should -BeLike '*db, web*'
        Get-SwarmNetwork -Name appnet | Should -Not -BeNullOrEmpty

        Remove-SwarmContainer -Name web, db -Confirm:$false
        Wait-Until -Timeout 60 -Interval 2 -Because 'the network is removed once its containers are gone' {
            Remove-SwarmNetwork -Name appnet -Confirm:$false -ErrorAction SilentlyContinue
            -not (Get-SwarmNetwork -Name appnet -ErrorAction SilentlyContinue)
        }
        $again = Remove-SwarmNetwork -Name appnet -Confirm:$false -Verbose -ErrorVariable gone 4>&1
        $gone | Should -BeNullOrEmpty
        ($again | Out-String) | Should -BeLike '*nothing to remove*'
    }
}
