BeforeAll {
    $script:ModulePath = $env:SWARMPS_TEST_MODULE
    $script:Module = Import-Module $ModulePath -Force -PassThru
    $script:Manifest = Import-PowerShellDataFile $ModulePath
}

Describe 'The built module' {
    It 'is imported from out/, not from the source tree' {
        $Module.ModuleBase | Should -Match ([regex]::Escape([IO.Path]::Combine('out', 'SwarmPS')) + '$')
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $exported = @($Module.ExportedCmdlets.Keys | Sort-Object)
        $listed = @($Manifest.CmdletsToExport | Sort-Object)
        $listed.Count | Should -BeGreaterThan 0
        $exported | Should -Be $listed
    }

    It 'lists every cmdlet class in the manifest, so none is forgotten' {
        $classes = $Module.ImplementingAssembly.GetExportedTypes() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object {
                $attribute = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                "$($attribute.VerbName)-$($attribute.NounName)"
            } | Sort-Object
        $classes | Should -Be @($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'ships no PowerShell reference assembly' {
        Get-ChildItem $Module.ModuleBase -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }

    It 'takes its version from the manifest in every assembly' {
        $version = [version]$Manifest.ModuleVersion
        foreach ($file in Get-ChildItem $Module.ModuleBase -Recurse -Filter 'SwarmPS*.dll') {
            [System.Reflection.AssemblyName]::GetAssemblyName($file.FullName).Version.ToString(3) | Should -Be $version.ToString(3) -Because $file.Name
        }
    }

    It 'uses an approved verb, declares OutputType and supports ShouldProcess when it changes anything: <_>' -ForEach @(
        (Import-PowerShellDataFile $env:SWARMPS_TEST_MODULE).CmdletsToExport
    ) {
        $command = Get-Command $_
        (Get-Verb).Verb | Should -Contain $command.Verb
        $command.OutputType | Should -Not -BeNullOrEmpty
        if ($command.Verb -notin 'Get') {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
        }
    }
}

Describe 'Dependency isolation' {
    It 'loads the engine and every third-party library outside the default load context' {
        Get-SwarmHost | Out-Null
        $dependencies = Get-ChildItem (Join-Path $Module.ModuleBase 'dependencies') -Filter *.dll | ForEach-Object BaseName
        $loaded = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in $dependencies -and $_.Location -like "$($Module.ModuleBase)*" }
        $loaded.GetName().Name | Should -Contain 'SwarmPS.Engine'
        foreach ($assembly in $loaded) {
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
            $context | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default) -Because $assembly.GetName().Name
            $context.Name | Should -Be 'SwarmPS.Engine'
        }
    }

    It 'keeps the output types in the default context so scripts can name them' {
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([SwarmPS.SwarmHost].Assembly) |
            Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
    }
}

Describe 'Sessions' -Tag Lab {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:Node1 = (Get-Lab).nodes[0]
        $script:Scratch = Initialize-TestState
    }

    AfterAll {
        Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
    }

    It 'keeps sessions per runspace and closes them when the module is removed' {
        # The client side of the SSH session: this process's established connections to the node.
        $address, $port = $Node1.address, $Node1.sshPort
        $before = @(Get-OwnTcpConnection -Address $address -Port $port).Count
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        try {
            $ps = [powershell]::Create($runspace)
            $null = $ps.AddScript("Import-Module '$ModulePath'; (Get-SwarmHost | Measure-Object).Count; " +
                "(Connect-SwarmHost -HostName '$address' -Port $port -UserName '$($Node1.user)' -KeyFile '$($Node1.keyPath)' -AcceptNewHostKey -ErrorAction Stop).Connected; " +
                "(Get-SwarmHost | Measure-Object).Count")
            $ps.Invoke() | Should -Be @(0, $true, 1)
            $ps.HadErrors | Should -BeFalse
            @(Get-OwnTcpConnection -Address $address -Port $port).Count | Should -BeGreaterThan $before -Because 'the new runspace holds a session to the node'
            Get-SwarmHost | Where-Object Name -eq $address | Should -BeNullOrEmpty -Because 'sessions belong to the runspace that opened them'

            $ps.Commands.Clear()
            $null = $ps.AddScript("Remove-Module SwarmPS; 'removed'")
            $ps.Invoke() | Should -Be @('removed')
            $ps.HadErrors | Should -BeFalse
            # Checked while the runspace is still open: closing the runspace would close its sessions too.
            Wait-Until { @(Get-OwnTcpConnection -Address $address -Port $port).Count -le $before } -Timeout 15 `
                -Because 'removing the module closes the SSH session its runspace opened'
            @(Get-OwnTcpConnection -Address $address -Port $port).Count | Should -Be $before
        }
        finally {
            $runspace.Dispose()
        }
    }
}

Describe 'Bad input is refused before anything is touched' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:BadInputScratch = Initialize-TestState
    }

    AfterAll {
        Remove-Item -Recurse -Force $BadInputScratch -ErrorAction Ignore
    }

    It 'names a cluster name that is a path, instead of throwing a bare exception' {
        { Remove-SwarmCluster -Name '../clusters/x' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClusterNameInvalid,SwarmPS.Commands.RemoveSwarmClusterCommand'
    }

    It 'refuses an environment variable with an empty name or an = in its name' {
        New-SwarmCluster -Name badinput | Out-Null
        { New-SwarmContainer -Name web -Image swarmps/busybox -Env @{ '' = 'x' } -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'EnvInvalid,SwarmPS.Commands.NewSwarmContainerCommand'
        { New-SwarmContainer -Name web -Image swarmps/busybox -Env @{ 'A=B' = 'x' } -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'EnvInvalid,SwarmPS.Commands.NewSwarmContainerCommand'
    }

    It 'refuses a 256-character host name with HostNameInvalid, not an unexpected failure' {
        $name = 'a' * 256
        { Connect-SwarmHost -HostName $name -KeyFile (Join-Path $BadInputScratch 'none') -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostNameInvalid,SwarmPS.Commands.ConnectSwarmHostCommand'
        { Enable-DockerTcpSocket -HostName $name, 'core 01' -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostNameInvalid,SwarmPS.Commands.EnableDockerTcpSocketCommand'
    }
}
