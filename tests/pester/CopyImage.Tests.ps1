# Copy-SwarmImage against the lab: archives written by docker save on a lab node and fetched to this machine, loaded
# onto the nodes through their Engine API; nodes that have the image are skipped; a file that is not an image is
# refused before anything is sent; a node whose connection is cut mid-copy is reported while the others finish.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name copyimage

    # Runs a command on a node and writes its stdout, byte for byte, to a file on this machine.
    function Save-NodeOutput($Node, [string] $Command, [string] $Path) {
        $ssh = (Get-LabSshArguments -Node $Node | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
        & bash -c "ssh $ssh '$Command' > '$Path'"
        if ($LASTEXITCODE -ne 0) { throw "'$Command' on $($Node.name) failed with exit code $LASTEXITCODE" }
    }

    # An image of its own (a new id no node has): the lab's busybox with a unique label, saved on core-01 and fetched
    # here, then removed from core-01, so no node has it. -SizeMB adds a layer of random bytes.
    function New-ImageArchive([string] $Tag, [int] $SizeMB = 0) {
        $fill = if ($SizeMB -gt 0) { "dd if=/dev/urandom of=/fill.bin bs=1M count=$SizeMB 2>/dev/null" } else { 'true' }
        $id = [guid]::NewGuid().ToString('n')
        $made = Invoke-LabSsh -Node $Node1 -Command "sudo -n docker run --name copysrc $($Lab.image) sh -c '$fill' && sudo -n docker commit --change 'LABEL test.run=$id' --change 'CMD [""sleep"",""600""]' copysrc $Tag >/dev/null && sudo -n docker rm copysrc >/dev/null && echo made"
        if ($made -ne 'made') { throw "Could not make $Tag on core-01: $made" }
        $path = Join-Path $Scratch (($Tag -replace '[/:]', '-') + '.tar')
        Save-NodeOutput -Node $Node1 -Command "sudo -n docker save $Tag" -Path $path
        $removed = Invoke-LabSsh -Node $Node1 -Command "sudo -n docker rmi $Tag >/dev/null && echo removed"
        if ($removed -ne 'removed') { throw "Could not remove $Tag from core-01: $removed" }
        $path
    }

    # The image id a node has under a tag, or 'absent'.
    function Get-NodeImageId($Node, [string] $Tag) {
        Invoke-LabSsh -Node $Node -Command "sudo -n docker image inspect -f '{{.Id}}' $Tag 2>/dev/null | grep . || echo absent"
    }

    # Every image id a node has, sorted: changes when anything is loaded.
    function Get-NodeImageList($Node) {
        (Invoke-LabSsh -Node $Node -Command "sudo -n docker images -qa --no-trunc | sort -u") -join ','
    }

    $script:SmallTag = 'swarmps/copied:1'
    $script:Small = New-ImageArchive -Tag $SmallTag
}

AfterAll {
    Remove-SwarmCluster -Name copyimage -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'Copy-SwarmImage' -Tag Lab {
    It 'starts from nodes without the image' {
        foreach ($node in $Lab.nodes) { Get-NodeImageId $node $SmallTag | Should -Be 'absent' }
    }

    It 'refuses a file that is not an image before anything is sent' {
        $garbage = Join-Path $Scratch 'garbage.tar'
        $bytes = [byte[]]::new(64KB); [System.Random]::new(3).NextBytes($bytes); [System.IO.File]::WriteAllBytes($garbage, $bytes)
        $before = $Lab.nodes | ForEach-Object { Get-NodeImageList $_ }
        $failure = $null
        try { Copy-SwarmImage -Path $garbage -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'ImageArchiveInvalid,SwarmPS.Commands.CopySwarmImageCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidData'
        $failure.TargetObject | Should -Be $garbage
        $failure.Exception.Message | Should -Match 'Nothing was sent'
        $Lab.nodes | ForEach-Object { Get-NodeImageList $_ } | Should -Be $before
    }

    It 'says which file does not exist' {
        $missing = Join-Path $Scratch 'nowhere.tar'
        { Copy-SwarmImage -Path $missing -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ImageArchiveNotFound,SwarmPS.Commands.CopySwarmImageCommand'
    }

    It 'loads nothing with -WhatIf and names each node it would load' {
        # What-if text goes to the host, so read it from a child pwsh's console.
        $script = "`$env:SWARMPS_STATE_DIR='$env:SWARMPS_STATE_DIR'; `$env:SWARMPS_KNOWN_HOSTS='$env:SWARMPS_KNOWN_HOSTS'; Import-Module '$env:SWARMPS_TEST_MODULE'; Copy-SwarmImage -Path '$Small' -WhatIf"
        $said = (& dotnet pwsh -NoProfile -NonInteractive -Command $script) -join ''
        foreach ($node in $Lab.nodes) { $said | Should -BeLike "*What if*Load image $SmallTag (*on target*$($node.name)*" }
        Get-NodeImageId $Node2 $SmallTag | Should -Be 'absent'
    }

    It 'loads the archive onto three nodes given by name and wildcard, in parallel, and a container runs from it' {
        $expectedId = 'sha256:' + ((& tar -xOf $Small manifest.json | ConvertFrom-Json)[0].Config -replace '^blobs/sha256/', '' -replace '\.json$', '')
        $copied = @(Copy-SwarmImage -Path $Small -Node core-01, 'core-0[23]' -Confirm:$false)
        $copied.Count | Should -Be 3
        $copied[0] | Should -BeOfType ([SwarmPS.SwarmImageCopy])
        ($copied.Node | Sort-Object) | Should -Be @('core-01', 'core-02', 'core-03')
        $copied | ForEach-Object {
            $_.Changed | Should -BeTrue
            $_.Image | Should -Be $SmallTag
            $_.ImageId | Should -Be $expectedId
            $_.Bytes | Should -Be (Get-Item $Small).Length
        }
        foreach ($node in $Lab.nodes) { Get-NodeImageId $node $SmallTag | Should -Be $expectedId }

        New-SwarmContainer -Name fromcopy -Image $SmallTag -Constraint 'node==core-02' -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $container = Get-SwarmContainer -Name fromcopy
        $container.State | Should -Be 'running'
        $container.Node | Should -Be 'core-02'
    }

    It 'skips every node the second time: Changed False, nothing sent' {
        $again = @(Get-SwarmNode | Copy-SwarmImage -Path $Small -Confirm:$false)
        $again.Count | Should -Be 3
        $again | ForEach-Object { $_.Changed | Should -BeFalse; $_.Bytes | Should -Be 0 }
    }

    It 'sends a gzip-compressed archive as it is, after the tag was removed from one node' {
        $gz = "$Small.gz"
        & bash -c "gzip -c '$Small' > '$gz'"
        Invoke-LabSsh -Node $Node3 -Command "sudo -n docker rmi -f $SmallTag >/dev/null && echo gone" | Should -Be 'gone'
        $copied = @(Copy-SwarmImage -Path $gz -Confirm:$false)
        ($copied | Where-Object Changed).Node | Should -Be 'core-03'
        ($copied | Where-Object Node -eq 'core-03').Bytes | Should -Be (Get-Item $gz).Length
        Get-NodeImageId $Node3 $SmallTag | Should -Match '^sha256:'
    }

    It 'copies an image of the local Docker engine, and skips the nodes that have the same id' {
        # The lab's busybox image comes from this machine's engine, so every node has it with the same id.
        $copied = @(Copy-SwarmImage -Image $Lab.image -DockerHost unix:///var/run/docker.sock -Confirm:$false)
        $copied.Count | Should -Be 3
        $copied | ForEach-Object { $_.Changed | Should -BeFalse; $_.ImageId | Should -Be (Get-NodeImageId $Node1 $Lab.image) }
    }

    It 'refuses a local engine address it cannot read' {
        { Copy-SwarmImage -Image $Lab.image -DockerHost ssh://somewhere -ErrorAction Stop } | Should -Throw -ErrorId 'LocalEngineUnsupported,SwarmPS.Commands.CopySwarmImageCommand'
    }
}

Describe 'Copy-SwarmImage when a node fails' -Tag Lab {
    BeforeAll {
        $script:Big = New-ImageArchive -Tag 'swarmps/big:1' -SizeMB 48
        function Remove-Cut { Invoke-LabSsh -Node $Node3 -Command 'while sudo -n iptables -D INPUT -p tcp --dport 2376 -j REJECT --reject-with tcp-reset 2>/dev/null; do :; done; while sudo -n iptables -D INPUT -p tcp --dport 2376 -m connbytes --connbytes 8000000: --connbytes-dir original --connbytes-mode bytes -j REJECT --reject-with tcp-reset 2>/dev/null; do :; done; echo clean' | Out-Null }
    }

    AfterEach { Remove-Cut }

    It 'reports a node whose Engine API cannot be reached, and copies to the others' {
        Invoke-LabSsh -Node $Node3 -Command 'sudo -n iptables -I INPUT -p tcp --dport 2376 -j REJECT --reject-with tcp-reset && echo cut' | Should -Be 'cut'
        $copied = @(Copy-SwarmImage -Path $Big -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue)
        ($copied.Node | Sort-Object) | Should -Be @('core-01', 'core-02')
        $copied | ForEach-Object { $_.Changed | Should -BeTrue }
        $failed.Count | Should -Be 1
        $failed[0].TargetObject | Should -Be 'core-03'
        $failed[0].FullyQualifiedErrorId | Should -Be 'DockerEndpointUnreachable,SwarmPS.Commands.CopySwarmImageCommand'
        Remove-Cut
        Get-NodeImageId $Node3 'swarmps/big:1' | Should -Be 'absent'
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker rmi swarmps/big:1 >/dev/null && echo gone' | Should -Be 'gone'
        Invoke-LabSsh -Node $Node2 -Command 'sudo -n docker rmi swarmps/big:1 >/dev/null && echo gone' | Should -Be 'gone'
    }

    It 'reports a node whose connection is cut mid-copy with nothing half-loaded, while the others finish' {
        # The node resets its Engine API connections once one has carried 8 MB: the small questions before the copy
        # pass, the 48 MB archive is cut partway.
        $cut = Invoke-LabSsh -Node $Node3 -Command 'sudo -n iptables -I INPUT -p tcp --dport 2376 -m connbytes --connbytes 8000000: --connbytes-dir original --connbytes-mode bytes -j REJECT --reject-with tcp-reset 2>&1 && echo cut'
        if ($cut -notcontains 'cut') { Set-ItResult -Skipped -Because "the lab kernel has no connbytes match: $cut"; return }
        $copied = @(Copy-SwarmImage -Path $Big -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue)
        ($copied.Node | Sort-Object) | Should -Be @('core-01', 'core-02')
        $failed.Count | Should -Be 1
        $failed[0].TargetObject | Should -Be 'core-03'
        $failed[0].FullyQualifiedErrorId | Should -Be 'ImageCopyInterrupted,SwarmPS.Commands.CopySwarmImageCommand'
        $failed[0].Exception.Message | Should -Match 'nothing of it was loaded on core-03'
        Remove-Cut
        Get-NodeImageId $Node3 'swarmps/big:1' | Should -Be 'absent'
        # The engine's temporary unpack directory is gone too.
        Wait-Until -Timeout 20 -Because 'the engine on core-03 drops its unpack directory' { (Invoke-LabSsh -Node $Node3 -Command 'sudo -n sh -c "ls -d /var/lib/docker/tmp/docker-import-* 2>/dev/null | wc -l"') -eq '0' }
        # Run again: only core-03 receives it.
        $again = @(Copy-SwarmImage -Path $Big -Confirm:$false)
        ($again | Where-Object Changed).Node | Should -Be 'core-03'
        Get-NodeImageId $Node3 'swarmps/big:1' | Should -Match '^sha256:'
    }
}
