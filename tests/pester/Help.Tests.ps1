# The help the build makes from docs/reference: every exported command has full help (synopsis, description,
# every parameter described, examples with code, related links), and the about topic is found.
BeforeDiscovery {
    $module = Import-Module $env:SWARMPS_TEST_MODULE -Force -PassThru
    $script:Commands = @($module.ExportedCommands.Values | Where-Object CommandType -in 'Cmdlet', 'Function' | Sort-Object Name | ForEach-Object Name)
}

BeforeAll {
    $script:Module = Import-Module $env:SWARMPS_TEST_MODULE -Force -PassThru
    $script:CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
    $script:Exported = @($Module.ExportedCommands.Values | Where-Object CommandType -in 'Cmdlet', 'Function')

    # The text of a MAML description (a list of paragraphs) as one string.
    function script:Get-HelpText($Description) {
        (@($Description) | Where-Object { $null -ne $_ } | ForEach-Object Text) -join "`n"
    }
}

Describe 'The module''s help files' {
    It 'ships the MAML file PowerShell looks up for the module''s commands' {
        $helpFile = (Get-Command -Module SwarmPS | Select-Object -First 1).HelpFile
        $helpFile | Should -Be 'SwarmPS.dll-Help.xml'
        $path = Join-Path $Module.ModuleBase "en-US/$helpFile"
        $path | Should -Exist
        { [xml](Get-Content -Raw $path) } | Should -Not -Throw
    }

    It 'exports commands to check' {
        $Exported.Count | Should -BeGreaterThan 0
    }

    It 'finds about_SwarmPS with its concepts' {
        $about = Get-Help about_SwarmPS | Out-String
        $about | Should -Match 'about_SwarmPS'
        $about.Length | Should -BeGreaterThan 1000
        $about | Should -Match 'SWARMPS_STATE_DIR'
        $about | Should -Match 'SWARMPS_KNOWN_HOSTS'
        $about | Should -Match 'node\.labels\.storage==ssd'
        $about | Should -Not -Match '(?m)^#'
    }
}

Describe 'Help for <_>' -ForEach $Commands {
    BeforeAll {
        $Name = $_
        $Command = Get-Command $Name
        $Help = Get-Help $Name -Full
    }

    It 'comes from the MAML file, not from the metadata alone' {
        # Without a MAML entry, Get-Help makes help whose synopsis is the syntax.
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        $Help.Synopsis | Should -Not -Match '\[<CommonParameters>\]'
        $Help.Synopsis.Trim().Length | Should -BeGreaterThan 20
    }

    It 'has a description' {
        (Get-HelpText $Help.description).Trim().Length | Should -BeGreaterThan 40
    }

    It 'describes every parameter' {
        $documented = @($Help.parameters.parameter)
        foreach ($parameter in $Command.Parameters.Values | Where-Object { $CommonParameters -notcontains $_.Name }) {
            $entry = $documented | Where-Object name -eq $parameter.Name
            $entry | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) must be in the help"
            (Get-HelpText $entry.description).Trim() | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
    }

    It 'documents no parameter the command does not have' {
        foreach ($entry in @($Help.parameters.parameter)) {
            $Command.Parameters.Keys | Should -Contain $entry.name
        }
    }

    It 'shows each parameter as the command declares it' {
        foreach ($entry in @($Help.parameters.parameter)) {
            $parameter = $Command.Parameters[$entry.name]
            $sets = @($parameter.ParameterSets.Values)
            $entry.required | Should -BeIn @($sets | ForEach-Object { $_.IsMandatory.ToString().ToLowerInvariant() }) -Because "-$($entry.name) Required"
            $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
            $entry.aliases | Should -Be $aliases -Because "-$($entry.name) Aliases"
        }
    }

    It 'has one syntax per parameter set' {
        @($Help.syntax.syntaxItem).Count | Should -Be @($Command.ParameterSets).Count
    }

    It 'has at least two examples, each with code and remarks' {
        $examples = @($Help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code.Trim() | Should -Not -BeNullOrEmpty -Because $example.title
            (Get-HelpText $example.remarks).Trim() | Should -Not -BeNullOrEmpty -Because $example.title
            $example.code | Should -Match ([regex]::Escape($Name)) -Because "$($example.title) should show the command"
        }
    }

    It 'names its inputs and outputs' {
        @($Help.inputTypes.inputType).Count | Should -BeGreaterThan 0
        @($Help.returnValues.returnValue).Count | Should -BeGreaterThan 0
        foreach ($type in @($Command.OutputType.Name)) {
            $expected = if ($type -eq 'System.Void') { 'None' } else { $type }
            @($Help.returnValues.returnValue.type.name) | Should -Contain $expected
        }
    }

    It 'has related links, each to an exported command, an about topic or a web page' {
        $links = @($Help.relatedLinks.navigationLink)
        $links.Count | Should -BeGreaterOrEqual 1
        foreach ($link in $links) {
            $link.linkText | Should -Not -BeNullOrEmpty
            if ($link.uri) { $link.uri | Should -Match '^https?://' }
            elseif ($link.linkText -notlike 'about_*') { $Module.ExportedCommands.Keys | Should -Contain $link.linkText }
        }
    }
}
