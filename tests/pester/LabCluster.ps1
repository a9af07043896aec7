# Dot-sourced by the test files that need a running cluster, so these run in their scope with the SwarmPS
# module they imported: a three-node cluster from bare lab hosts, and a web image made on every node.

# An HTTP image that exposes port 80, from the lab's busybox image, on every node (no registry); each tag names the same image.
function New-LabWebImage([string[]] $Tag) {
    foreach ($node in $Lab.nodes) {
        $tags = ($Tag | Select-Object -Skip 1 | ForEach-Object { " && sudo -n docker tag swarmps/web:$($Tag[0]) swarmps/web:$_" }) -join ''
        $made = Invoke-LabSsh -Node $node -Command "sudo -n docker create --name webbase $($Lab.image) >/dev/null && sudo -n docker commit --change 'EXPOSE 80' --change 'CMD [""httpd"",""-f"",""-p"",""80"",""-h"",""/etc""]' webbase swarmps/web:$($Tag[0]) >/dev/null$tags && sudo -n docker rm webbase >/dev/null && echo made"
        if ($made -ne 'made') { throw "Could not make the web image on $($node.name): $made" }
    }
}

# Connects the three lab nodes, labels core-01 storage=ssd and the others storage=disk, and makes them one cluster.
function New-LabCluster([string] $Name) {
    $Node1, $Node2, $Node3 = $Lab.nodes
    $Lab.nodes | ForEach-Object address | Connect-SwarmHost -UserName core -KeyFile $Lab.keyPath -AcceptNewHostKey | Out-Null
    @(
        [pscustomobject]@{ HostName = $Node1.address; Label = 'storage=ssd' }
        [pscustomobject]@{ HostName = $Node2.address; Label = 'storage=disk' }
        [pscustomobject]@{ HostName = $Node3.address; Label = 'storage=disk' }
    ) | Enable-DockerTcpSocket -Confirm:$false | Out-Null
    New-SwarmCluster -Name $Name | Out-Null
    Start-SwarmManager -HostName $Node1.address -Confirm:$false | Out-Null
    $Node2.address, $Node3.address | ForEach-Object { Join-SwarmNode -HostName $_ -Confirm:$false } | Out-Null
    if (@(Get-SwarmNode).Count -ne 3) { throw 'The cluster did not come up with three nodes.' }
}
