# Images from a real registry: the lab's registry (Debian's docker-registry, TLS from a lab CA the nodes trust,
# htpasswd authentication). No node has the registry's image under its registry name, so a container from it
# runs only when the nodes pull it with a login.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    $script:Node1, $script:Node2, $script:Node3 = $Lab.nodes
    $script:Scratch = Initialize-TestState
    Reset-Lab
    Import-Module $env:SWARMPS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'LabCluster.ps1')
    New-LabCluster -Name registry

    $script:Registry = $Lab.registry.address
    $script:Image = $Lab.registry.image
    $script:Password = $Lab.registry.password
    $script:Good = [pscredential]::new($Lab.registry.user, (ConvertTo-SecureString $Password -AsPlainText -Force))
    $script:Bad = [pscredential]::new($Lab.registry.user, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))

    # The services that exist, as the manager's docker CLI lists them.
    function Get-ServiceName { @(Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service ls --format '{{.Name}}'") | Where-Object { $_ } }
    function Get-ServiceImage([string] $Name) { Invoke-LabSsh -Node $Node1 -Command "sudo -n docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' $Name" }
    # Every line of every stream a command writes, with -Verbose on, as one string.
    function Get-AllOutput([scriptblock] $Command) { (& $Command *>&1 | Out-String -Width 500) }
}

AfterAll {
    Remove-SwarmCluster -Name registry -Confirm:$false -ErrorAction Ignore
    Remove-Module SwarmPS -ErrorAction Ignore
    Reset-Lab
    Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
}

Describe 'New-SwarmContainer with an image from a registry' -Tag Lab {
    It 'has the lab registry refuse an anonymous pull: nothing is created' {
        $failure = $null
        try { New-SwarmContainer -Name anon -Image $Image -Command sleep, 600 -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'ImageNotFound,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.Exception.Message | Should -Match 'no basic auth credentials'
        $failure.Exception.Message | Should -Match 'Connect-SwarmRegistry'
        Get-ServiceName | Should -Not -Contain 'anon'
    }

    It 'refuses a wrong password with RegistryAuthFailed before anything is created, and never shows it' {
        $failure = $null
        try { New-SwarmContainer -Name badpw -Image $Image -Command sleep, 600 -RegistryCredential $Bad -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'RegistryAuthFailed,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.CategoryInfo.Category | Should -Be 'SecurityError'
        $failure.Exception.Message | Should -Not -Match 'not-the-password'
        Get-ServiceName | Should -Not -Contain 'badpw'
    }

    It 'fails fast on a misspelled tag, naming the registry''s answer, with nothing created' {
        $misspelled = $Image -replace ':latest$', ':latset'
        $failure = $null
        try { New-SwarmContainer -Name typo -Image $misspelled -Command sleep, 600 -RegistryCredential $Good -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'ImageNotFound,SwarmPS.Commands.NewSwarmContainerCommand'
        $failure.Exception.Message | Should -Match 'manifest unknown'
        Get-ServiceName | Should -Not -Contain 'typo'
    }

    It 'pulls with -RegistryCredential: the nodes get the image, the service pins its digest, the password shows nowhere' {
        Invoke-LabSsh -Node $Node2 -Command "sudo -n docker image inspect $Image >/dev/null 2>&1 && echo present || echo absent" | Should -Be 'absent'
        $output = Get-AllOutput { New-SwarmContainer -Name pulled -Image $Image -Command sleep, 600 -Constraint 'node==core-02' -RegistryCredential $Good -Confirm:$false -Verbose }
        $output | Should -Not -Match ([regex]::Escape($Password))
        $output | Should -Match 'the service runs exactly that'
        $container = Get-SwarmContainer -Name pulled
        $container.State | Should -Be 'running'
        $container.Node | Should -Be $Node2.name
        $pinned = Get-ServiceImage pulled
        $pinned | Should -Match "^$([regex]::Escape($Image))@sha256:[0-9a-f]{64}$"
        # A pull by digest keeps the image under its digest, not its tag.
        Invoke-LabSsh -Node $Node2 -Command "sudo -n docker image inspect $pinned >/dev/null 2>&1 && echo present || echo absent" | Should -Be 'present'
        # Swarm keeps the login for later pulls; the service's spec as anyone reads it does not hold it.
        Invoke-LabSsh -Node $Node1 -Command 'sudo -n docker service inspect pulled' | Out-String | Should -Not -Match ([regex]::Escape($Password))
    }
}

Describe 'Connect-SwarmRegistry' -Tag Lab {
    It 'refuses a wrong password and saves nothing' {
        { Connect-SwarmRegistry $Registry -Credential $Bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryAuthFailed,SwarmPS.Commands.ConnectSwarmRegistryCommand'
        Get-SwarmRegistry | Should -BeNullOrEmpty
    }

    It 'saves a good login once, readable by its owner only, and says Changed False the second time' {
        $saved = Connect-SwarmRegistry $Registry -Credential $Good
        $saved | Should -BeOfType ([SwarmPS.SwarmRegistry])
        $saved.Registry | Should -Be $Registry
        $saved.UserName | Should -Be $Lab.registry.user
        $saved.Changed | Should -BeTrue
        (Connect-SwarmRegistry $Registry -Credential $Good).Changed | Should -BeFalse
        (Get-SwarmRegistry).Registry | Should -Be $Registry
        $file = Join-Path $env:SWARMPS_STATE_DIR 'registries.json'
        (Get-Item $file).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        (Get-Content -Raw $file | ConvertFrom-Json).auths.$Registry.auth | Should -Not -BeNullOrEmpty
    }

    It 'lets a container pull with the saved login, and an image update re-pins it' {
        New-SwarmContainer -Name saved -Image $Image -Command sleep, 600 -Constraint 'node==core-03' -Confirm:$false | Out-Null
        (Get-SwarmContainer -Name saved).State | Should -Be 'running'
        Get-ServiceImage saved | Should -Match '@sha256:'
        $local = New-SwarmContainer -Name local -Image $Lab.image -Command sleep, 600 -Constraint 'node==core-03' -Confirm:$false -WarningAction SilentlyContinue
        $local.State | Should -Be 'running'
        $updated = Set-SwarmContainer -Name local -Image $Image -Confirm:$false
        $updated.Changed | Should -Contain $true
        Get-ServiceImage local | Should -Match "^$([regex]::Escape($Image))@sha256:"
        (Set-SwarmContainer -Name local -Image $Image -Confirm:$false).Changed | Should -Not -Contain $true
    }

    It 'forgets the login with Disconnect-SwarmRegistry' {
        (Disconnect-SwarmRegistry $Registry -Confirm:$false).Changed | Should -BeTrue
        (Disconnect-SwarmRegistry $Registry -Confirm:$false).Changed | Should -BeFalse
        Get-SwarmRegistry | Should -BeNullOrEmpty
    }
}
