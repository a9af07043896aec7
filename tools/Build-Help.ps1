#requires -Version 7.4
<#
.SYNOPSIS
    Turns the cmdlet reference in docs/reference (platyPS Markdown) into the module's MAML help and about topics.
.DESCRIPTION
    Build (the default): reads docs/reference/<Verb-Noun>.md for every command the built module exports and
    writes one MAML file (<RootModule>-Help.xml, for SwarmPS SwarmPS.dll-Help.xml) into -OutputPath, and turns
    every docs/reference/about_*.md into about_*.help.txt next to it.

    The Markdown follows platyPS's schema 2.0.0, so platyPS can take over later. What describes the command's
    shape (parameter sets, types, required, position, pipeline input, aliases, wildcards, accepted values)
    comes from the built module itself, read with Get-Command in a child process; the words (synopsis,
    description, parameter descriptions, examples, inputs, outputs, notes, links) come from the Markdown.
    The SYNTAX blocks and the ```yaml blocks in the Markdown are checked against the module, so the page
    on GitHub cannot drift from the cmdlet either. A 'Default value' must match a default the cmdlet object
    really has (such as 22); where it has none, the page may describe the default in words.

    Every problem in every file is collected and printed, one line each with file, line and what is wrong,
    and then the script throws (the error names the first problem and carries all of them as its target
    object), so the build fails: no .md for an exported command, a parameter without a '### -Name' section or
    without a description, an example without a code block, a stale parameter or page, a yaml or SYNTAX
    block that no longer matches the cmdlet, a broken related link, a placeholder left from a skeleton.
    Nothing is written then.

    -UpdateMarkdown: creates a skeleton .md for each exported command that has none, and rewrites the front
    matter, the SYNTAX section and the yaml blocks of the PARAMETERS section of the others from the module
    (adding a section for a new parameter, removing one for a parameter that is gone), keeping every word
    written by hand. Placeholders in platyPS's style ({{ Fill ... }}, {{ Add ... }}) mark what still needs
    writing; the build refuses them.
.EXAMPLE
    ./tools/Build-Help.ps1 -DocsPath docs/reference -OutputPath out/SwarmPS/en-US
.EXAMPLE
    ./tools/Build-Help.ps1 -DocsPath docs/reference -UpdateMarkdown
    After adding a cmdlet or a parameter: creates or refreshes the Markdown from out/SwarmPS (build it first).
#>
[CmdletBinding(DefaultParameterSetName = 'Build')]
param(
    # The folder of <Verb-Noun>.md and about_*.md files.
    [Parameter(Mandatory)]
    [string] $DocsPath,

    # The culture folder of the built module, such as out/SwarmPS/en-US; created when missing.
    [Parameter(Mandatory, ParameterSetName = 'Build')]
    [string] $OutputPath,

    # Creates or refreshes the Markdown from the built module instead of building help.
    [Parameter(Mandatory, ParameterSetName = 'Update')]
    [switch] $UpdateMarkdown,

    # The built module's manifest. Default: the .psd1 in the parent of -OutputPath (or out/SwarmPS with -UpdateMarkdown).
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$MamlNamespaces = [ordered]@{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$KnownSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS'
$StandardDescriptions = @{
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
}
$CommonParametersText = 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).'
$UpdateHint = 'Run tools/Build-Help.ps1 -DocsPath docs/reference -UpdateMarkdown to refresh it from the built module.'

#region Reading the module

# Runs in a child process (Start-Job), so the build's own process never loads the module: no stale copy of an
# earlier build is reused, and on Windows no DLL stays locked for the next build.
$ReadModuleMetadata = {
    param([string] $ManifestPath)
    $ErrorActionPreference = 'Stop'
    $module = Import-Module $ManifestPath -PassThru -Force -DisableNameChecking
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $optionalCommon = [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    function Get-ShortTypeName([type] $Type) {
        if ($Type.IsArray) { return (Get-ShortTypeName $Type.GetElementType()) + '[]' }
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { return Get-ShortTypeName $underlying }
        if ($Type.IsGenericType) {
            $arguments = $Type.GetGenericArguments() | ForEach-Object { Get-ShortTypeName $_ }
            return $Type.Name.Substring(0, $Type.Name.IndexOf('`')) + '[' + ($arguments -join ', ') + ']'
        }
        $Type.Name
    }

    # The value a freshly made cmdlet object holds: a real default (22, 8) or $null when there is none to show.
    function Format-DefaultValue($Value) {
        if ($null -eq $Value -or $Value -is [System.Management.Automation.SwitchParameter]) { return $null }
        if ($Value -is [string]) { return $(if ($Value.Length -eq 0) { $null } else { $Value }) }
        if ($Value -is [System.Collections.IEnumerable]) {
            $items = @($Value)
            return $(if ($items.Count -eq 0) { $null } else { $items -join ', ' })
        }
        [string] $Value
    }

    $commands = foreach ($command in @($module.ExportedCommands.Values | Sort-Object Name)) {
        if ($command.CommandType -notin 'Cmdlet', 'Function') { continue }

        $defaults = @{}
        $type = if ($command.CommandType -eq 'Cmdlet') { $command.ImplementingType } else { $null }
        if ($type -and -not $type.IsAbstract) {
            $instance = $null
            try { $instance = [Activator]::CreateInstance($type) } catch { $instance = $null }
            if ($null -ne $instance) {
                foreach ($name in $command.Parameters.Keys) {
                    try {
                        $property = $type.GetProperty($name, [System.Reflection.BindingFlags] 'Public, Instance, IgnoreCase')
                        if ($property) { $defaults[$name] = Format-DefaultValue $property.GetValue($instance) }
                    }
                    catch { $null = $_ }
                }
                if ($instance -is [System.IDisposable]) { $instance.Dispose() }
            }
        }

        $parameters = foreach ($parameter in $command.Parameters.Values) {
            if ($common -contains $parameter.Name) { continue }
            $validValues = @()
            $validateSet = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            if ($validateSet) {
                $validValues = @($validateSet.ValidValues)
            }
            else {
                $valueType = $parameter.ParameterType
                if ($valueType.IsArray) { $valueType = $valueType.GetElementType() }
                if ([Nullable]::GetUnderlyingType($valueType)) { $valueType = [Nullable]::GetUnderlyingType($valueType) }
                if ($valueType.IsEnum) { $validValues = @([enum]::GetNames($valueType)) }
            }
            [ordered]@{
                Name             = $parameter.Name
                Type             = Get-ShortTypeName $parameter.ParameterType
                FullType         = $parameter.ParameterType.FullName
                IsSwitch         = $parameter.SwitchParameter
                IsOptionalCommon = $optionalCommon -contains $parameter.Name
                Aliases          = @($parameter.Aliases)
                Wildcards        = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                ValidValues      = $validValues
                Default          = $defaults[$parameter.Name]
                Sets             = @(foreach ($entry in $parameter.ParameterSets.GetEnumerator()) {
                        [ordered]@{
                            Name           = $entry.Key
                            Required       = $entry.Value.IsMandatory
                            Position       = $(if ($entry.Value.Position -eq [int]::MinValue) { $null } else { $entry.Value.Position })
                            ByValue        = $entry.Value.ValueFromPipeline
                            ByPropertyName = $entry.Value.ValueFromPipelineByPropertyName
                        }
                    })
            }
        }

        $sets = foreach ($set in $command.ParameterSets) {
            [ordered]@{
                Name       = $set.Name
                IsDefault  = $set.IsDefault
                Parameters = @($set.Parameters | Where-Object { $common -notcontains $_.Name } | ForEach-Object {
                        [ordered]@{
                            Name     = $_.Name
                            Required = $_.IsMandatory
                            Position = $(if ($_.Position -eq [int]::MinValue) { $null } else { $_.Position })
                        }
                    })
            }
        }

        [ordered]@{
            Name             = $command.Name
            Verb             = $command.Verb
            Noun             = $command.Noun
            HelpFile         = $(if ($command.HelpFile) { Split-Path -Leaf $command.HelpFile } else { $null })
            OutputTypes      = @($command.OutputType | ForEach-Object { $_.Name })
            CommonParameters = $command.Parameters.ContainsKey('Verbose')
            Parameters       = @($parameters)
            Sets             = @($sets)
        }
    }

    [ordered]@{
        Name       = $module.Name
        RootModule = $(if ($module.RootModule) { Split-Path -Leaf $module.RootModule } else { $null })
        Commands   = @($commands)
    } | ConvertTo-Json -Depth 12 -Compress
}

function Get-ModuleModel {
    param([string] $ManifestPath)
    $job = Start-Job -ScriptBlock $ReadModuleMetadata -ArgumentList $ManifestPath
    try {
        $json = $job | Receive-Job -Wait -ErrorAction Stop
    }
    catch {
        throw "Build-Help: could not import the built module '$ManifestPath' to read its commands: $_"
    }
    finally {
        $job | Remove-Job -Force
    }
    $json | ConvertFrom-Json -Depth 12
}

function Find-Parameter {
    param($Command, [string] $Name)
    $Command.Parameters | Where-Object { $_.Name -eq $Name } | Select-Object -First 1
}

# A parameter set's parameters in the order PowerShell shows them: positional by position, the named ones as
# declared, then -WhatIf and -Confirm.
function Get-OrderedSetParameter {
    param($Command, $Set)
    $positional = @($Set.Parameters | Where-Object { $null -ne $_.Position } | Sort-Object { [int]$_.Position })
    $named = @($Set.Parameters | Where-Object { $null -eq $_.Position -and -not (Find-Parameter $Command $_.Name).IsOptionalCommon })
    $optional = @($Set.Parameters | Where-Object { $null -eq $_.Position -and (Find-Parameter $Command $_.Name).IsOptionalCommon })
    @($positional) + @($named) + @($optional)
}

# The default set first, then the others as declared.
function Get-OrderedSet {
    param($Command)
    @($Command.Sets | Where-Object IsDefault) + @($Command.Sets | Where-Object { -not $_.IsDefault })
}

function Format-SyntaxLine {
    param($Command, $Set)
    $parts = [System.Collections.Generic.List[string]]::new()
    $parts.Add($Command.Name)
    foreach ($entry in Get-OrderedSetParameter $Command $Set) {
        $parameter = Find-Parameter $Command $entry.Name
        $value = if ($parameter.IsSwitch) { '' }
        elseif (@($parameter.ValidValues).Count -gt 0) { ' {' + (@($parameter.ValidValues) -join ' | ') + '}' }
        else { " <$($parameter.Type)>" }
        $name = if ($null -ne $entry.Position) { "[-$($entry.Name)]" } else { "-$($entry.Name)" }
        $text = "$name$value"
        if (-not $entry.Required) { $text = "[$text]" }
        $parts.Add($text)
    }
    if ($Command.CommonParameters) { $parts.Add('[<CommonParameters>]') }
    $parts -join ' '
}

function Format-PipelineInput {
    param($SetEntry)
    $ways = @()
    if ($SetEntry.ByValue) { $ways += 'ByValue' }
    if ($SetEntry.ByPropertyName) { $ways += 'ByPropertyName' }
    if ($ways) { "True ($($ways -join ', '))" } else { 'False' }
}

# The platyPS yaml blocks a parameter must have: one per group of parameter sets that agree on required,
# position and pipeline input.
function Get-ExpectedYamlBlock {
    param($Command, $Parameter)
    $inAll = @($Parameter.Sets | Where-Object Name -eq '__AllParameterSets').Count -gt 0
    $groups = [ordered]@{}
    foreach ($set in $Parameter.Sets) {
        $key = '{0}|{1}|{2}' -f $set.Required, $set.Position, (Format-PipelineInput $set)
        if (-not $groups.Contains($key)) { $groups[$key] = [System.Collections.Generic.List[object]]::new() }
        $groups[$key].Add($set)
    }
    foreach ($group in $groups.Values) {
        $first = $group[0]
        $block = [ordered]@{
            'Type'           = $Parameter.Type
            'Parameter Sets' = $(if ($inAll) { '(All)' } else { ($group | ForEach-Object Name) -join ', ' })
            'Aliases'        = @($Parameter.Aliases) -join ', '
        }
        if (@($Parameter.ValidValues).Count -gt 0) { $block['Accepted values'] = @($Parameter.ValidValues) -join ', ' }
        $block['Required'] = $(if ($first.Required) { 'True' } else { 'False' })
        $block['Position'] = $(if ($null -ne $first.Position) { [string]$first.Position } else { 'Named' })
        $block['Default value'] = $(if ($null -ne $Parameter.Default) { $Parameter.Default } elseif ($Parameter.IsSwitch) { 'False' } else { 'None' })
        $block['Accept pipeline input'] = Format-PipelineInput $first
        $block['Accept wildcard characters'] = $(if ($Parameter.Wildcards) { 'True' } else { 'False' })
        $block
    }
}

function Format-YamlBlock {
    param($Block)
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('```yaml')
    foreach ($key in $Block.Keys) {
        if ($key -eq 'Required') { $lines.Add('') }
        $value = [string]$Block[$key]
        $lines.Add($(if ($value) { "${key}: $value" } else { "${key}:" }))
    }
    $lines.Add('```')
    $lines
}

#endregion

#region Reading Markdown

# A path as the problem list shows it: relative to the current folder when below it, else in full.
function Format-DisplayPath {
    param([string] $Path)
    $relative = [System.IO.Path]::GetRelativePath((Get-Location).Path, $Path)
    if ($relative.StartsWith('..')) { $Path } else { $relative }
}

function New-Problem {
    param([System.Collections.Generic.List[string]] $Problems, [string] $File, [int] $Line, [string] $Message)
    $where = if ($Line -gt 0) { "${File}:$Line" } else { $File }
    $Problems.Add("${where}: $Message")
}

# Splits a platyPS Markdown file into front matter, title and '##' sections with their '###' subsections.
# Headings inside fenced code blocks are content, not structure.
function Read-MarkdownDocument {
    param([string] $Path)
    $raw = [System.IO.File]::ReadAllText($Path) -split '\r?\n'
    $doc = [pscustomobject]@{
        Path           = $Path
        RawLines       = $raw
        HasFrontMatter = $false
        FrontMatter    = [ordered]@{}
        BodyStart      = 0
        Title          = $null
        TitleLine      = 0
        Preamble       = [System.Collections.Generic.List[object]]::new()
        Sections       = [System.Collections.Generic.List[object]]::new()
        Duplicates     = [System.Collections.Generic.List[object]]::new()
    }

    $index = 0
    if ($raw.Count -gt 0 -and $raw[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $raw.Count; $i++) {
            if ($raw[$i].Trim() -eq '---') { $index = $i + 1; break }
            if ($raw[$i] -match '^\s*([^:#][^:]*?)\s*:\s*(.*?)\s*$') { $doc.FrontMatter[$Matches[1]] = $Matches[2] }
        }
        $doc.HasFrontMatter = $index -gt 0
    }
    $doc.BodyStart = $index

    $fence = $null
    $section = $null
    $subsection = $null
    for ($i = $index; $i -lt $raw.Count; $i++) {
        $line = $raw[$i]
        $record = [pscustomobject]@{ Text = $line; Number = $i + 1 }
        $isStructure = $false
        if ($fence) {
            if ($line -match '^\s*(`{3,}|~{3,})\s*$' -and $Matches[1][0] -eq $fence[0] -and $Matches[1].Length -ge $fence.Length) { $fence = $null }
        }
        elseif ($line -match '^\s*(`{3,}|~{3,})') {
            $fence = $Matches[1]
        }
        elseif ($line -match '^(#{1,3})\s+(.*?)\s*#*\s*$') {
            $level = $Matches[1].Length
            $title = $Matches[2].Trim()
            if ($level -eq 1 -and $null -eq $doc.Title -and $null -eq $section) {
                $doc.Title = $title
                $doc.TitleLine = $i + 1
                $isStructure = $true
            }
            elseif ($level -eq 2) {
                $section = [pscustomobject]@{
                    Name        = $title
                    Key         = $title.ToUpperInvariant()
                    Line        = $i + 1
                    Body        = [System.Collections.Generic.List[object]]::new()
                    Subsections = [System.Collections.Generic.List[object]]::new()
                }
                if ($doc.Sections | Where-Object Key -eq $section.Key) { $doc.Duplicates.Add($section) }
                $doc.Sections.Add($section)
                $subsection = $null
                $isStructure = $true
            }
            elseif ($level -eq 3 -and $null -ne $section) {
                $subsection = [pscustomobject]@{ Title = $title; Line = $i + 1; Lines = [System.Collections.Generic.List[object]]::new() }
                $section.Subsections.Add($subsection)
                $isStructure = $true
            }
        }
        if ($isStructure) { continue }
        if ($subsection) { $subsection.Lines.Add($record) }
        elseif ($section) { $section.Body.Add($record) }
        else { $doc.Preamble.Add($record) }
    }
    $doc
}

function Get-Section {
    param($Document, [string] $Name)
    $Document.Sections | Where-Object Key -eq $Name | Select-Object -First 1
}

# Turns Markdown lines into blocks: paragraphs (soft-wrapped lines joined, one per list item), fenced code
# blocks (with their language), and verbatim blocks (tables, indented code).
function Split-MarkdownBlock {
    param($Lines)
    $lines = @($Lines)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = [System.Collections.Generic.List[object]]::new()
    $flush = {
        if ($paragraph.Count -gt 0) {
            $text = ($paragraph | ForEach-Object { $_.Text.Trim() }) -join ' '
            $blocks.Add([pscustomobject]@{ Kind = 'Paragraph'; Text = $text; Language = $null; Line = $paragraph[0].Number })
            $paragraph.Clear()
        }
    }
    $i = 0
    while ($i -lt $lines.Count) {
        $line = $lines[$i].Text
        if ($line -match '^\s*(`{3,}|~{3,})\s*([^\s`]*)') {
            . $flush
            $marker = $Matches[1]
            $language = $Matches[2]
            $indent = $line.Length - $line.TrimStart().Length
            $start = $lines[$i].Number
            $content = [System.Collections.Generic.List[string]]::new()
            $i++
            $closed = $false
            while ($i -lt $lines.Count) {
                $inner = $lines[$i].Text
                if ($inner -match '^\s*(`{3,}|~{3,})\s*$' -and $Matches[1][0] -eq $marker[0] -and $Matches[1].Length -ge $marker.Length) { $closed = $true; $i++; break }
                $content.Add($(if ($indent -gt 0 -and $inner.Length -ge $indent -and $inner.Substring(0, $indent).Trim() -eq '') { $inner.Substring($indent) } else { $inner }))
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = ($content -join "`n").TrimEnd(); Language = $language; Line = $start; Closed = $closed })
            continue
        }
        if ($line.Trim() -eq '') { . $flush; $i++; continue }
        $isTable = $line -match '^\s*\|'
        $isIndentedCode = $paragraph.Count -eq 0 -and $line -match '^(    |\t)'
        if ($isTable -or $isIndentedCode) {
            . $flush
            $start = $lines[$i].Number
            $content = [System.Collections.Generic.List[string]]::new()
            while ($i -lt $lines.Count -and $lines[$i].Text.Trim() -ne '' -and (($isTable -and $lines[$i].Text -match '^\s*\|') -or ($isIndentedCode -and $lines[$i].Text -match '^(    |\t)'))) {
                $content.Add($(if ($isTable) { $lines[$i].Text.Trim() } else { $lines[$i].Text -replace '^(    |\t)', '' }))
                $i++
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Verbatim'; Text = $content -join "`n"; Language = $null; Line = $start })
            continue
        }
        if ($line -match '^\s*([-*+]|\d+[.)])\s+') { . $flush }
        $paragraph.Add($lines[$i])
        $i++
    }
    . $flush
    $blocks.ToArray()
}

# Inline Markdown to plain text: links keep their text (and web address), emphasis marks and code backticks go.
function ConvertTo-PlainText {
    param([string] $Text)
    $pieces = [regex]::Split($Text, '(`+[^`]+?`+)')
    $out = foreach ($piece in $pieces) {
        if ($piece -match '^(`+)([^`]+?)\1$') { $Matches[2]; continue }
        $piece = [regex]::Replace($piece, '\[([^\]]+)\]\(([^)\s]+)\)', {
                param($m)
                if ($m.Groups[2].Value -match '^https?://') { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value }
            })
        $piece = $piece -replace '\*\*(.+?)\*\*', '$1'
        $piece = $piece -replace '(?<=^|[\s(])\*(\S(?:.*?\S)?)\*(?=$|[\s.,;:!?)])', '$1'
        $piece = $piece -replace '\\([`*_\[\]<>|])', '$1'
        $piece
    }
    -join $out
}

function ConvertTo-Para {
    param($Blocks)
    foreach ($block in @($Blocks | Where-Object { $null -ne $_ })) {
        if ($block.Kind -eq 'Paragraph') { ConvertTo-PlainText $block.Text } else { $block.Text }
    }
}

# platyPS's placeholders ({{ Fill ... }}, {{ Add ... }}); a Go template such as {{json .Labels}} is not one.
function Test-Placeholder {
    param([string] $Text)
    $Text -match '\{\{\s*(Fill|Add)\b[^}]*\}\}'
}

function Get-YamlValue {
    param($Block)
    $values = [ordered]@{}
    foreach ($line in $Block.Text -split "`n") {
        if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $values[$Matches[1]] = $Matches[2] }
    }
    $values
}

#endregion

#region Checking a page and building its help

function Compare-YamlValue {
    param([string] $Key, [string] $Expected, [string] $Actual)
    switch ($Key) {
        { $_ -in 'Aliases', 'Parameter Sets', 'Accepted values' } {
            $split = { param($s) @($s -split ',' | ForEach-Object Trim | Where-Object { $_ } | Sort-Object) -join ',' }
            return (& $split $Expected) -eq (& $split $Actual)
        }
        default { return $Expected.Trim() -eq $Actual.Trim() }
    }
}

function ConvertFrom-CommandMarkdown {
    param($Module, $Command, $Document, [System.Collections.Generic.List[string]] $Problems, [string] $DocsRoot)
    $file = Format-DisplayPath $Document.Path
    $problem = { param([int] $Line, [string] $Message) New-Problem $Problems $file $Line $Message }

    # Front matter and title.
    if (-not $Document.HasFrontMatter) {
        & $problem 1 "no front matter: start the file with '---', 'external help file: $($Command.HelpFile)', 'Module Name: $($Module.Name)', 'online version:', 'schema: 2.0.0', '---'."
    }
    else {
        $expected = [ordered]@{ 'external help file' = $Command.HelpFile; 'Module Name' = $Module.Name; 'schema' = '2.0.0' }
        foreach ($key in $expected.Keys) {
            if (-not $expected[$key]) { continue }
            $actual = if ($Document.FrontMatter.Contains($key)) { $Document.FrontMatter[$key] } else { $null }
            if ($actual -ne $expected[$key]) { & $problem 1 "front matter '${key}: $actual' should be '${key}: $($expected[$key])'." }
        }
    }
    if ($Document.Title -ne $Command.Name) {
        & $problem $Document.TitleLine "the title is '# $($Document.Title)'; it must be '# $($Command.Name)'."
    }
    foreach ($section in $Document.Sections) {
        if ($section.Key -notin $KnownSections) { & $problem $section.Line "unknown section '## $($section.Name)' (its text would be lost); the sections are $($KnownSections -join ', ')." }
    }
    foreach ($duplicate in $Document.Duplicates) { & $problem $duplicate.Line "section '## $($duplicate.Name)' appears twice." }
    foreach ($name in $RequiredSections) {
        if (-not (Get-Section $Document $name)) { & $problem 0 "no '## $name' section." }
    }

    $help = [pscustomobject]@{
        Command     = $Command
        Synopsis    = @()
        Description = @()
        Examples    = [System.Collections.Generic.List[object]]::new()
        Parameters  = [System.Collections.Generic.List[object]]::new()
        Inputs      = [System.Collections.Generic.List[object]]::new()
        Outputs     = [System.Collections.Generic.List[object]]::new()
        Notes       = @()
        Links       = [System.Collections.Generic.List[object]]::new()
    }
    $textOf = {
        param($Section)
        $lines = [System.Collections.Generic.List[object]]::new()
        foreach ($record in $Section.Body) { $lines.Add($record) }
        foreach ($subsection in $Section.Subsections) {
            $lines.Add([pscustomobject]@{ Text = ''; Number = $subsection.Line })
            $lines.Add([pscustomobject]@{ Text = $subsection.Title; Number = $subsection.Line })
            $lines.Add([pscustomobject]@{ Text = ''; Number = $subsection.Line })
            foreach ($record in $subsection.Lines) { $lines.Add($record) }
        }
        Split-MarkdownBlock $lines
    }
    $checkProse = {
        param($Blocks, [string] $What)
        foreach ($block in @($Blocks | Where-Object { $null -ne $_ })) {
            if ($block.Kind -eq 'Paragraph' -and (Test-Placeholder $block.Text)) { & $problem $block.Line "$What still has a placeholder: $($block.Text)" }
        }
    }

    # SYNOPSIS and DESCRIPTION.
    $synopsisSection = Get-Section $Document 'SYNOPSIS'
    if ($synopsisSection) {
        $blocks = & $textOf $synopsisSection
        $help.Synopsis = @(ConvertTo-Para $blocks)
        if (-not (@($help.Synopsis) -join '').Trim()) { & $problem $synopsisSection.Line 'the SYNOPSIS is empty.' }
        & $checkProse $blocks 'the SYNOPSIS'
    }
    $descriptionSection = Get-Section $Document 'DESCRIPTION'
    if ($descriptionSection) {
        $blocks = & $textOf $descriptionSection
        $help.Description = @(ConvertTo-Para $blocks)
        if (-not (@($help.Description) -join '').Trim()) { & $problem $descriptionSection.Line 'the DESCRIPTION is empty.' }
        & $checkProse $blocks 'the DESCRIPTION'
    }

    # SYNTAX: the blocks must say what the cmdlet says.
    $syntaxSection = Get-Section $Document 'SYNTAX'
    if ($syntaxSection) {
        $lines = @($syntaxSection.Body) + @($syntaxSection.Subsections | ForEach-Object { $_.Lines })
        $written = @(Split-MarkdownBlock $lines | Where-Object Kind -eq 'Code' | ForEach-Object { ($_.Text -replace '\s+', ' ').Trim() })
        $expected = @(Get-OrderedSet $Command | ForEach-Object { Format-SyntaxLine $Command $_ })
        $missing = @($expected | Where-Object { $written -notcontains $_ })
        $extra = @($written | Where-Object { $expected -notcontains $_ })
        if ($missing -or $extra) {
            & $problem $syntaxSection.Line ("the SYNTAX does not match the cmdlet. It should have these blocks:`n      " + ($expected -join "`n      ") + "`n    $UpdateHint")
        }
    }

    # EXAMPLES: '### Example N: title', a code block, then remarks.
    $examplesSection = Get-Section $Document 'EXAMPLES'
    if ($examplesSection) {
        if (@(Split-MarkdownBlock $examplesSection.Body).Count -gt 0) { & $problem $examplesSection.Line "text before the first '### Example' heading would be lost; put it in an example's remarks." }
        if ($examplesSection.Subsections.Count -eq 0) { & $problem $examplesSection.Line "no example: add '### Example 1: <title>' with a ``````powershell code block and a sentence on what it does." }
        foreach ($subsection in $examplesSection.Subsections) {
            $blocks = @(Split-MarkdownBlock $subsection.Lines)
            $code = $blocks | Where-Object Kind -eq 'Code' | Select-Object -First 1
            if (-not $code -or -not $code.Text.Trim()) {
                & $problem $subsection.Line "example '$($subsection.Title)' has no code block (``````powershell ... ``````)."
                continue
            }
            if (Test-Placeholder $code.Text) { & $problem $code.Line "example '$($subsection.Title)' still has placeholder code." }
            if (Test-Placeholder $subsection.Title) { & $problem $subsection.Line "example '$($subsection.Title)' still has a placeholder title." }
            $remarks = @($blocks | Where-Object { -not [object]::ReferenceEquals($_, $code) })
            & $checkProse $remarks "example '$($subsection.Title)'"
            $help.Examples.Add([pscustomobject]@{ Title = $subsection.Title; Code = $code.Text; Remarks = @(ConvertTo-Para $remarks) })
        }
    }

    # PARAMETERS: a '### -Name' section with a description and the yaml blocks the cmdlet implies.
    $parametersSection = Get-Section $Document 'PARAMETERS'
    if ($parametersSection) {
        $documented = @{}
        foreach ($subsection in $parametersSection.Subsections) {
            if ($subsection.Title -eq 'CommonParameters') { continue }
            if ($subsection.Title -notmatch '^-(\S+)$') {
                & $problem $subsection.Line "'### $($subsection.Title)' is not a parameter heading; write '### -ParameterName' or '### CommonParameters'."
                continue
            }
            $name = $Matches[1]
            $parameter = Find-Parameter $Command $name
            if (-not $parameter) {
                & $problem $subsection.Line "documents -$name, which $($Command.Name) does not have: remove the section. $UpdateHint"
                continue
            }
            if ($parameter.Name -cne $name) { & $problem $subsection.Line "'### -$name' should be spelled '### -$($parameter.Name)'." }
            $documented[$parameter.Name] = $true

            $blocks = @(Split-MarkdownBlock $subsection.Lines)
            $firstYaml = [array]::FindIndex($blocks, [Predicate[object]] { param($b) $b.Kind -eq 'Code' -and $b.Language -eq 'yaml' })
            $descriptionBlocks = if ($firstYaml -lt 0) { $blocks } elseif ($firstYaml -eq 0) { @() } else { @($blocks[0..($firstYaml - 1)]) }
            $description = @(ConvertTo-Para $descriptionBlocks)
            if (-not ($description -join '').Trim() -or ($descriptionBlocks | Where-Object { $_.Kind -eq 'Paragraph' -and (Test-Placeholder $_.Text) })) {
                & $problem $subsection.Line "parameter -$($parameter.Name) has no description: write what it does between '### -$($parameter.Name)' and its ``````yaml block."
            }

            $yamlBlocks = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
            $expectedBlocks = @(Get-ExpectedYamlBlock $Command $parameter)
            $defaultValue = $null
            if ($yamlBlocks.Count -ne $expectedBlocks.Count) {
                & $problem $subsection.Line "parameter -$($parameter.Name) has $($yamlBlocks.Count) ``````yaml block(s); the cmdlet needs $($expectedBlocks.Count) (one per group of parameter sets that agree on Required, Position and pipeline input). $UpdateHint"
            }
            else {
                for ($b = 0; $b -lt $expectedBlocks.Count; $b++) {
                    $expected = $expectedBlocks[$b]
                    $actualBlock = $yamlBlocks | Where-Object {
                        $sets = (Get-YamlValue $_)['Parameter Sets']
                        Compare-YamlValue 'Parameter Sets' $expected['Parameter Sets'] ([string]$sets)
                    } | Select-Object -First 1
                    if (-not $actualBlock) { $actualBlock = $yamlBlocks[$b] }
                    $actual = Get-YamlValue $actualBlock
                    foreach ($key in $expected.Keys) {
                        $value = if ($actual.Contains($key)) { [string]$actual[$key] } else { $null }
                        if ($key -eq 'Default value') {
                            # A real default of the cmdlet (22, 8) must be shown as it is; otherwise the page may explain it in words.
                            $ok = if ($null -ne $parameter.Default) { $value -eq $parameter.Default } else { [bool]$value }
                            if ($b -eq 0) { $defaultValue = $value }
                        }
                        else {
                            $ok = $null -ne $value -and (Compare-YamlValue $key $expected[$key] $value)
                        }
                        if (-not $ok) {
                            & $problem $actualBlock.Line "parameter -$($parameter.Name): the yaml says '${key}: $value' but the cmdlet says '${key}: $($expected[$key])'. $UpdateHint"
                        }
                    }
                    foreach ($key in $actual.Keys) {
                        if (-not $expected.Contains($key)) { & $problem $actualBlock.Line "parameter -$($parameter.Name): the yaml has '${key}', which the cmdlet does not imply. $UpdateHint" }
                    }
                }
            }

            $primary = ($parameter.Sets | Where-Object { $_.Name -eq '__AllParameterSets' -or $_.Name -eq ($Command.Sets | Where-Object IsDefault | ForEach-Object Name) } | Select-Object -First 1)
            if (-not $primary) { $primary = $parameter.Sets[0] }
            $help.Parameters.Add([pscustomobject]@{
                    Metadata     = $parameter
                    Description  = $description
                    DefaultValue = $(if ($defaultValue) { $defaultValue } elseif ($parameter.IsSwitch) { 'False' } else { 'None' })
                    Primary      = $primary
                })
        }
        foreach ($parameter in $Command.Parameters) {
            if (-not $documented.ContainsKey($parameter.Name)) {
                & $problem $parametersSection.Line "parameter -$($parameter.Name) is not documented: add '### -$($parameter.Name)' with a description and its ``````yaml block. $UpdateHint"
            }
        }
        if ($Command.CommonParameters -and -not ($parametersSection.Subsections | Where-Object Title -eq 'CommonParameters')) {
            & $problem $parametersSection.Line "no '### CommonParameters' section. $UpdateHint"
        }
    }

    # INPUTS and OUTPUTS: '### TypeName' with a sentence each.
    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        $section = Get-Section $Document $kind
        if (-not $section) { continue }
        $list = $help.Outputs
        if ($kind -eq 'INPUTS') { $list = $help.Inputs }
        if ($section.Subsections.Count -eq 0) { & $problem $section.Line "the $kind section lists no type: add '### TypeName' (or '### None') with a sentence." }
        foreach ($subsection in $section.Subsections) {
            $blocks = Split-MarkdownBlock $subsection.Lines
            & $checkProse $blocks "$kind '$($subsection.Title)'"
            $list.Add([pscustomobject]@{ Type = (ConvertTo-PlainText $subsection.Title); Description = @(ConvertTo-Para $blocks) })
        }
        if ($kind -eq 'OUTPUTS') {
            foreach ($type in @($Command.OutputTypes)) {
                $name = if ($type -in 'System.Void', 'Void') { 'None' } else { $type }
                if (-not ($help.Outputs | Where-Object Type -eq $name)) {
                    & $problem $section.Line "the cmdlet declares [OutputType($type)], but OUTPUTS has no '### $name'."
                }
            }
        }
    }

    # NOTES.
    $notesSection = Get-Section $Document 'NOTES'
    if ($notesSection) {
        $blocks = & $textOf $notesSection
        $help.Notes = @(ConvertTo-Para $blocks)
        & $checkProse $blocks 'the NOTES'
    }

    # RELATED LINKS: one Markdown link a line; links to other pages must point at files that exist.
    $online = if ($Document.FrontMatter.Contains('online version')) { [string]$Document.FrontMatter['online version'] } else { '' }
    if ($online) { $help.Links.Add([pscustomobject]@{ Text = 'Online Version:'; Uri = $online }) }
    $linksSection = Get-Section $Document 'RELATED LINKS'
    if ($linksSection) {
        foreach ($record in $linksSection.Body) {
            $text = $record.Text.Trim() -replace '^[-*+]\s+', ''
            if (-not $text) { continue }
            if ($text -match '^\[([^\]]+)\]\(([^)\s]*)\)$') {
                $linkText, $target = $Matches[1], $Matches[2]
                if ($target -and $target -notmatch '^[a-z][a-z0-9+.-]*:' -and -not (Test-Path -LiteralPath (Join-Path $DocsRoot ($target -replace '#.*$', '')))) {
                    & $problem $record.Number "related link '$linkText' points at '$target', which does not exist in $DocsRoot."
                }
                $help.Links.Add([pscustomobject]@{ Text = $linkText; Uri = $(if ($target -match '^https?://') { $target } else { '' }) })
            }
            else {
                & $problem $record.Number "related links are one Markdown link a line, such as [Get-SwarmHost](Get-SwarmHost.md); found '$text'."
            }
        }
    }
    $help
}

#endregion

#region Writing MAML

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, $Paragraphs)
    foreach ($paragraph in @($Paragraphs)) {
        $Writer.WriteElementString('maml', 'para', $MamlNamespaces.maml, (Remove-InvalidXmlCharacter $paragraph))
    }
}

function Remove-InvalidXmlCharacter {
    param([string] $Text)
    [regex]::Replace([string]$Text, '[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]', '')
}

function Write-Description {
    param([System.Xml.XmlWriter] $Writer, $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $MamlNamespaces.maml)
    Write-Para $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, $Help, $SetEntry, [switch] $InSyntax)
    $meta = $Help.Metadata
    $Writer.WriteStartElement('command', 'parameter', $MamlNamespaces.command)
    $Writer.WriteAttributeString('required', $(if ($SetEntry.Required) { 'true' } else { 'false' }))
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', $(if ($meta.Wildcards) { 'true' } else { 'false' }))
    $Writer.WriteAttributeString('pipelineInput', (Format-PipelineInput $SetEntry))
    $Writer.WriteAttributeString('position', $(if ($null -ne $SetEntry.Position) { [string]$SetEntry.Position } else { 'named' }))
    $Writer.WriteAttributeString('aliases', $(if (@($meta.Aliases).Count) { @($meta.Aliases) -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNamespaces.maml, $meta.Name)
    Write-Description $Writer $Help.Description
    $values = @($meta.ValidValues)
    if ($values.Count -gt 0) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $MamlNamespaces.command)
        foreach ($value in $values) {
            $Writer.WriteStartElement('command', 'parameterValue', $MamlNamespaces.command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('command', 'variableLength', $MamlNamespaces.command, 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    if (-not ($InSyntax -and ($meta.IsSwitch -or $values.Count -gt 0))) {
        $Writer.WriteStartElement('command', 'parameterValue', $MamlNamespaces.command)
        $Writer.WriteAttributeString('required', $(if ($meta.IsSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($meta.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $MamlNamespaces.dev)
    $Writer.WriteElementString('maml', 'name', $MamlNamespaces.maml, $meta.Type)
    $Writer.WriteElementString('maml', 'uri', $MamlNamespaces.maml, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $MamlNamespaces.dev, $Help.DefaultValue)
    $Writer.WriteEndElement()
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, $Help)
    $command = $Help.Command
    $Writer.WriteStartElement('command', 'command', $MamlNamespaces.command)
    foreach ($prefix in $MamlNamespaces.Keys) {
        $Writer.WriteAttributeString('xmlns', $prefix, $null, $MamlNamespaces[$prefix])
    }

    $Writer.WriteStartElement('command', 'details', $MamlNamespaces.command)
    $Writer.WriteElementString('command', 'name', $MamlNamespaces.command, $command.Name)
    $Writer.WriteElementString('command', 'verb', $MamlNamespaces.command, $command.Verb)
    $Writer.WriteElementString('command', 'noun', $MamlNamespaces.command, $command.Noun)
    Write-Description $Writer $Help.Synopsis
    $Writer.WriteEndElement()

    Write-Description $Writer $Help.Description

    $Writer.WriteStartElement('command', 'syntax', $MamlNamespaces.command)
    foreach ($set in Get-OrderedSet $command) {
        $Writer.WriteStartElement('command', 'syntaxItem', $MamlNamespaces.command)
        $Writer.WriteElementString('maml', 'name', $MamlNamespaces.maml, $command.Name)
        foreach ($entry in Get-OrderedSetParameter $command $set) {
            $parameterHelp = $Help.Parameters | Where-Object { $_.Metadata.Name -eq $entry.Name } | Select-Object -First 1
            $metaEntry = $parameterHelp.Metadata.Sets | Where-Object { $_.Name -in $set.Name, '__AllParameterSets' } | Select-Object -First 1
            Write-MamlParameter $Writer $parameterHelp $metaEntry -InSyntax
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $MamlNamespaces.command)
    foreach ($parameterHelp in $Help.Parameters) {
        Write-MamlParameter $Writer $parameterHelp $parameterHelp.Primary
    }
    $Writer.WriteEndElement()

    foreach ($kind in @(
            @{ List = $Help.Inputs; Outer = 'inputTypes'; Inner = 'inputType' }
            @{ List = $Help.Outputs; Outer = 'returnValues'; Inner = 'returnValue' })) {
        $Writer.WriteStartElement('command', $kind.Outer, $MamlNamespaces.command)
        foreach ($item in $kind.List) {
            $Writer.WriteStartElement('command', $kind.Inner, $MamlNamespaces.command)
            $Writer.WriteStartElement('dev', 'type', $MamlNamespaces.dev)
            $Writer.WriteElementString('maml', 'name', $MamlNamespaces.maml, $item.Type)
            $Writer.WriteEndElement()
            Write-Description $Writer $item.Description
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('maml', 'alertSet', $MamlNamespaces.maml)
    $Writer.WriteStartElement('maml', 'alert', $MamlNamespaces.maml)
    Write-Para $Writer $Help.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $MamlNamespaces.command)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $MamlNamespaces.command)
        $Writer.WriteElementString('maml', 'title', $MamlNamespaces.maml, "-------------------------- $($example.Title) --------------------------")
        $Writer.WriteElementString('dev', 'code', $MamlNamespaces.dev, (Remove-InvalidXmlCharacter $example.Code))
        $Writer.WriteStartElement('dev', 'remarks', $MamlNamespaces.dev)
        # The empty paragraph at the end keeps a blank line between examples in Get-Help's output.
        Write-Para $Writer (@($example.Remarks) + '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $MamlNamespaces.command)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $MamlNamespaces.maml)
        $Writer.WriteElementString('maml', 'linkText', $MamlNamespaces.maml, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $MamlNamespaces.maml, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

function Write-MamlFile {
    param([string] $Path, $Helps)
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($help in $Helps) { Write-MamlCommand $writer $help }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }
}

#endregion

#region About topics

# about_*.md to about_*.help.txt: front matter and fences go, '#' marks go ('##' headings in capitals, as
# about topics write them), code is indented, links keep their text; everything else stays as written.
function ConvertTo-AboutText {
    param([string] $Path, [System.Collections.Generic.List[string]] $Problems)
    $document = Read-MarkdownDocument $Path
    $file = Format-DisplayPath $Path
    $expected = [System.IO.Path]::GetFileNameWithoutExtension($Path)
    if ($document.Title -ne $expected) { New-Problem $Problems $file $document.TitleLine "the title is '# $($document.Title)'; it must be '# $expected'." }
    $out = [System.Collections.Generic.List[string]]::new()
    $fence = $null
    for ($i = $document.BodyStart; $i -lt $document.RawLines.Count; $i++) {
        $line = $document.RawLines[$i]
        if ($fence) {
            if ($line -match '^\s*(`{3,}|~{3,})\s*$' -and $Matches[1][0] -eq $fence[0]) { $fence = $null; continue }
            $out.Add($(if ($line.Trim()) { '    ' + $line } else { '' }))
            continue
        }
        if ($line -match '^\s*(`{3,}|~{3,})') { $fence = $Matches[1]; continue }
        if ($line -match '^(#{1,6})\s+(.*?)\s*#*\s*$') {
            $title = ConvertTo-PlainText $Matches[2]
            $out.Add($(if ($Matches[1].Length -eq 2) { $title.ToUpperInvariant() } else { $title }))
            continue
        }
        if (Test-Placeholder $line) { New-Problem $Problems $file ($i + 1) "placeholder left: $line" }
        $out.Add($(if ($line -match '^\s*\|') { $line } else { ConvertTo-PlainText $line }))
    }
    while ($out.Count -gt 0 -and -not $out[0].Trim()) { $out.RemoveAt(0) }
    $text = ($out -join [Environment]::NewLine).TrimEnd() + [Environment]::NewLine
    if ($text.Trim().Length -eq 0) { New-Problem $Problems $file 0 'the about topic is empty.' }
    $text
}

#endregion

#region Writing Markdown (-UpdateMarkdown)

function Get-SyntaxMarkdown {
    param($Command)
    $lines = [System.Collections.Generic.List[string]]::new()
    $sets = @(Get-OrderedSet $Command)
    foreach ($set in $sets) {
        if ($sets.Count -gt 1) {
            $lines.Add("### $($set.Name)$(if ($set.IsDefault) { ' (Default)' })")
        }
        $lines.Add('```')
        $lines.Add((Format-SyntaxLine $Command $set))
        $lines.Add('```')
        $lines.Add('')
    }
    $lines
}

function Get-ParametersMarkdown {
    param($Command, $Document)
    $existing = @{}
    $section = if ($Document) { Get-Section $Document 'PARAMETERS' } else { $null }
    if ($section) {
        foreach ($subsection in $section.Subsections) {
            if ($subsection.Title -match '^-(\S+)$') { $existing[$Matches[1]] = $subsection }
        }
    }
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($parameter in @($Command.Parameters | Sort-Object Name)) {
        $lines.Add("### -$($parameter.Name)")
        $lines.Add('')
        $before = [System.Collections.Generic.List[string]]::new()
        $after = [System.Collections.Generic.List[string]]::new()
        $oldDefault = $null
        $old = $existing[$parameter.Name]
        if ($old) {
            $existing.Remove($parameter.Name)
            $target = $before
            $inYaml = $false
            foreach ($record in $old.Lines) {
                if ($inYaml) {
                    if ($record.Text -match '^\s*```\s*$') { $inYaml = $false }
                    elseif ($null -eq $oldDefault -and $record.Text -match '^\s*Default value\s*:\s*(.*?)\s*$') { $oldDefault = $Matches[1] }
                    continue
                }
                if ($record.Text -match '^\s*```yaml\s*$') { $inYaml = $true; $target = $after; $after.Clear(); continue }
                $target.Add($record.Text)
            }
        }
        $trim = {
            param($list)
            while ($list.Count -gt 0 -and -not $list[0].Trim()) { $list.RemoveAt(0) }
            while ($list.Count -gt 0 -and -not $list[$list.Count - 1].Trim()) { $list.RemoveAt($list.Count - 1) }
        }
        & $trim $before
        & $trim $after
        if ($before.Count -eq 0) {
            $before.Add($(if ($StandardDescriptions.ContainsKey($parameter.Name)) { $StandardDescriptions[$parameter.Name] } else { "{{ Fill $($parameter.Name) Description }}" }))
        }
        foreach ($line in $before) { $lines.Add($line) }
        $lines.Add('')
        foreach ($block in Get-ExpectedYamlBlock $Command $parameter) {
            if ($null -eq $parameter.Default -and $oldDefault) { $block['Default value'] = $oldDefault }
            foreach ($line in Format-YamlBlock $block) { $lines.Add($line) }
            $lines.Add('')
        }
        if ($after.Count -gt 0) {
            foreach ($line in $after) { $lines.Add($line) }
            $lines.Add('')
        }
    }
    foreach ($name in $existing.Keys) {
        Write-Warning "$($Command.Name): removed the section of -$name, which the cmdlet no longer has."
    }
    if ($Command.CommonParameters) {
        $lines.Add('### CommonParameters')
        $lines.Add('')
        $lines.Add($CommonParametersText)
        $lines.Add('')
    }
    $lines
}

function Get-FrontMatterMarkdown {
    param($Module, $Command, $Document)
    $values = [ordered]@{
        'external help file' = $(if ($Command.HelpFile) { $Command.HelpFile } else { "$($Module.Name)-help.xml" })
        'Module Name'        = $Module.Name
        'online version'     = ''
        'schema'             = '2.0.0'
    }
    if ($Document) {
        foreach ($key in $Document.FrontMatter.Keys) {
            if ($key -notin 'external help file', 'Module Name', 'schema') { $values[$key] = $Document.FrontMatter[$key] }
        }
    }
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('---')
    foreach ($key in $values.Keys) { $lines.Add($(if ($values[$key]) { "${key}: $($values[$key])" } else { "${key}:" })) }
    $lines.Add('---')
    $lines
}

function New-CommandMarkdown {
    param($Module, $Command)
    $inputs = @($Command.Parameters | Where-Object { $_.Sets | Where-Object ByValue } | ForEach-Object FullType | Select-Object -Unique)
    $outputs = @($Command.OutputTypes | ForEach-Object { if ($_ -in 'System.Void', 'Void') { 'None' } else { $_ } })
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($line in Get-FrontMatterMarkdown $Module $Command $null) { $lines.Add($line) }
    $lines.Add('')
    $lines.Add("# $($Command.Name)")
    $lines.Add('')
    $lines.Add('## SYNOPSIS')
    $lines.Add('{{ Fill in the Synopsis: one sentence on what the command does }}')
    $lines.Add('')
    $lines.Add('## SYNTAX')
    $lines.Add('')
    foreach ($line in Get-SyntaxMarkdown $Command) { $lines.Add($line) }
    $lines.Add('## DESCRIPTION')
    $lines.Add('{{ Fill in the Description: what the command does, how, and what it changes }}')
    $lines.Add('')
    $lines.Add('## EXAMPLES')
    foreach ($number in 1, 2) {
        $lines.Add('')
        $lines.Add("### Example ${number}: {{ Add example title here }}")
        $lines.Add('```powershell')
        $lines.Add('{{ Add example code here }}')
        $lines.Add('```')
        $lines.Add('')
        $lines.Add('{{ Add example description here }}')
    }
    $lines.Add('')
    $lines.Add('## PARAMETERS')
    $lines.Add('')
    foreach ($line in Get-ParametersMarkdown $Command $null) { $lines.Add($line) }
    $lines.Add('## INPUTS')
    $lines.Add('')
    foreach ($type in $(if ($inputs) { $inputs } else { 'None' })) {
        $lines.Add("### $type")
        $lines.Add('')
        $lines.Add('{{ Fill in what can be piped in }}')
        $lines.Add('')
    }
    $lines.Add('## OUTPUTS')
    $lines.Add('')
    foreach ($type in $(if ($outputs) { $outputs } else { 'None' })) {
        $lines.Add("### $type")
        $lines.Add('')
        $lines.Add('{{ Fill in what the command writes }}')
        $lines.Add('')
    }
    $lines.Add('## NOTES')
    $lines.Add('')
    $lines.Add('## RELATED LINKS')
    $lines.Add('')
    $lines.Add("[about_$($Module.Name)](about_$($Module.Name).md)")
    ($lines -join "`n") + "`n"
}

function Update-CommandMarkdown {
    param($Module, $Command, $Document)
    $raw = $Document.RawLines
    $sections = @($Document.Sections | Sort-Object Line)
    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($line in Get-FrontMatterMarkdown $Module $Command $Document) { $out.Add($line) }
    $firstSection = if ($sections) { $sections[0].Line - 1 } else { $raw.Count }
    $preamble = @(if ($firstSection -gt $Document.BodyStart) { $raw[$Document.BodyStart..($firstSection - 1)] })
    foreach ($line in $preamble) { $out.Add($line) }
    $emit = {
        param([string] $Name)
        $out.Add("## $Name")
        $out.Add('')
        $generated = if ($Name -eq 'SYNTAX') { Get-SyntaxMarkdown $Command } else { Get-ParametersMarkdown $Command $Document }
        foreach ($line in $generated) { $out.Add($line) }
    }
    for ($s = 0; $s -lt $sections.Count; $s++) {
        $section = $sections[$s]
        $end = if ($s + 1 -lt $sections.Count) { $sections[$s + 1].Line - 2 } else { $raw.Count - 1 }
        if ($section.Key -in 'SYNTAX', 'PARAMETERS') {
            & $emit $section.Key
            continue
        }
        foreach ($line in $raw[($section.Line - 1)..$end]) { $out.Add($line) }
        # A missing SYNTAX goes after SYNOPSIS, a missing PARAMETERS after EXAMPLES.
        foreach ($pair in @(@('SYNOPSIS', 'SYNTAX'), @('EXAMPLES', 'PARAMETERS'))) {
            if ($section.Key -eq $pair[0] -and -not (Get-Section $Document $pair[1])) {
                if ($out[$out.Count - 1].Trim()) { $out.Add('') }
                & $emit $pair[1]
            }
        }
    }
    while ($out.Count -gt 0 -and -not $out[$out.Count - 1].Trim()) { $out.RemoveAt($out.Count - 1) }
    ($out -join "`n") + "`n"
}

#endregion

#region Main

$DocsPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($DocsPath)
if (-not $ModulePath) {
    $moduleFolder = if ($PSCmdlet.ParameterSetName -eq 'Build') {
        Split-Path -Parent $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
    }
    else {
        Join-Path $PSScriptRoot '../out/SwarmPS'
    }
    $manifests = @(Get-ChildItem -Path $moduleFolder -Filter *.psd1 -File -ErrorAction Ignore)
    if ($manifests.Count -ne 1) { throw "Build-Help: expected one module manifest (.psd1) in '$moduleFolder', found $($manifests.Count). Build the module first, or give -ModulePath." }
    $ModulePath = $manifests[0].FullName
}
$ModulePath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ModulePath)
if (-not (Test-Path -LiteralPath $ModulePath)) { throw "Build-Help: no module manifest at '$ModulePath'. Build the module first." }
if (-not (Test-Path -LiteralPath $DocsPath -PathType Container)) {
    if ($UpdateMarkdown) { $null = New-Item -ItemType Directory -Force $DocsPath }
    else { throw "Build-Help: no help folder at '$DocsPath'." }
}

$module = Get-ModuleModel $ModulePath
$commands = @($module.Commands)

if ($UpdateMarkdown) {
    foreach ($command in $commands) {
        $path = Join-Path $DocsPath "$($command.Name).md"
        if (Test-Path -LiteralPath $path) {
            $text = Update-CommandMarkdown $module $command (Read-MarkdownDocument $path)
            $old = [System.IO.File]::ReadAllText($path)
            if ($old -ne $text) {
                [System.IO.File]::WriteAllText($path, $text)
                Write-Host "Updated $path"
            }
        }
        else {
            [System.IO.File]::WriteAllText($path, (New-CommandMarkdown $module $command))
            Write-Host "Created ${path}: replace its {{ Fill ... }} and {{ Add ... }} placeholders."
        }
    }
    return
}

$problems = [System.Collections.Generic.List[string]]::new()
foreach ($file in Get-ChildItem -LiteralPath $DocsPath -Filter *.md -File | Where-Object Name -notlike 'about_*') {
    if (-not ($commands | Where-Object Name -eq $file.BaseName)) {
        New-Problem $problems (Format-DisplayPath $file.FullName) 0 "documents '$($file.BaseName)', which $($module.Name) does not export. Remove the file, or export the command."
    }
}

$helps = [System.Collections.Generic.List[object]]::new()
foreach ($command in $commands) {
    $path = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $path)) {
        New-Problem $problems (Format-DisplayPath $path) 0 "missing: $($command.Name) is exported but has no help page. Run tools/Build-Help.ps1 -DocsPath docs/reference -UpdateMarkdown to create it from the module, then write its text."
        continue
    }
    $helps.Add((ConvertFrom-CommandMarkdown $module $command (Read-MarkdownDocument $path) $problems $DocsPath))
}

$abouts = @{}
foreach ($file in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md' -File) {
    $abouts[$file.BaseName] = ConvertTo-AboutText $file.FullName $problems
}

if ($problems.Count -gt 0) {
    # One line a problem, readable in a console and a CI log; the error itself carries the first and, as its
    # target object, all of them.
    Write-Host "Build-Help: $($problems.Count) problem(s) in the help in ${DocsPath}:" -ForegroundColor Red
    foreach ($problem in $problems) { Write-Host "  $problem" -ForegroundColor Red }
    $message = "Build-Help: the help in $DocsPath has $($problems.Count) problem(s), listed above; nothing was written. The first: $($problems[0])"
    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($message), 'HelpIncomplete', 'InvalidData', $problems.ToArray()))
}

$OutputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
$null = New-Item -ItemType Directory -Force $OutputPath
foreach ($group in $helps | Group-Object { if ($_.Command.HelpFile) { $_.Command.HelpFile } else { "$($module.Name)-help.xml" } }) {
    $target = Join-Path $OutputPath $group.Name
    Write-MamlFile $target $group.Group
    Write-Host "Help: $($group.Count) command(s) -> $target"
}
foreach ($name in $abouts.Keys) {
    $target = Join-Path $OutputPath "$name.help.txt"
    [System.IO.File]::WriteAllText($target, $abouts[$name], [System.Text.UTF8Encoding]::new($false))
    Write-Host "Help: $name -> $target"
}

#endregion
