# Docs that run: every powershell code block of README.md and docs/getting-started.md runs, in order,
# against the lab. A block that fails fails the build, so the docs cannot rot. That the documents have such
# blocks at all needs no lab.
BeforeDiscovery {
    $script:Documents = @(
        @{ Path = 'README.md' }
        @{ Path = 'docs/getting-started.md' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

    function script:Get-PowerShellBlocks([string] $Path) {
        $text = Get-Content -Raw (Join-Path $Root $Path)
        [regex]::Matches($text, '(?ms)^```powershell\s*\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }
    }
}

Describe 'Docs with examples: <Path>' -ForEach $Documents {
    It 'has PowerShell examples' {
        @(Get-PowerShellBlocks $Path).Count | Should -BeGreaterThan 0
    }
}

Describe 'Docs that run: <Path>' -ForEach $Documents -Tag Lab {
    BeforeAll {
        Reset-Lab
        $script:Scratch = Initialize-TestState
    }

    AfterAll {
        Reset-Lab
        Remove-Item -Recurse -Force $Scratch -ErrorAction Ignore
    }

    It 'runs every PowerShell block, in order, against the lab' {
        $blocks = @(Get-PowerShellBlocks $Path)
        $script = [System.Text.StringBuilder]::new()
        $null = $script.AppendLine('$ErrorActionPreference = ''Stop''')
        # Plain text: the output goes into a failure message, where colour codes only get in the way.
        $null = $script.AppendLine('$PSStyle.OutputRendering = ''PlainText''')
        for ($i = 0; $i -lt $blocks.Count; $i++) {
            $null = $script.AppendLine("Write-Host '--- block $($i + 1) of $($blocks.Count)'")
            $null = $script.AppendLine($blocks[$i])
        }
        $file = Join-Path $Scratch 'docs.ps1'
        Set-Content -Path $file -Value $script.ToString()
        Push-Location $Root
        try {
            # The docs import ./out/SwarmPS: the module under test, run from the repository root.
            $output = & dotnet pwsh -NoProfile -NonInteractive -File $file 2>&1 | Out-String -Width 160
        }
        finally {
            Pop-Location
        }
        $LASTEXITCODE | Should -Be 0 -Because "every block must run; the output was:`n$output"
    }
}
