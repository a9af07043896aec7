# The Demo task's walk (tools/Demo.ps1), run as build.ps1 -Task Demo runs it, from bare lab hosts.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Lab = Get-Lab
    Reset-Lab
}

AfterAll {
    Reset-Lab
}

Describe 'tools/Demo.ps1' -Tag Lab {
    It 'walks from bare hosts to placed containers and prints the tables a user would see' {
        $demo = Join-Path $PSScriptRoot '../../tools/Demo.ps1'
        $output = & dotnet pwsh -NoProfile -NonInteractive -File $demo -LabFile $env:SWARMPS_TEST_LAB -ModulePath $env:SWARMPS_TEST_MODULE 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match 'PS> Import-Csv \S+ \| Enable-DockerTcpSocket'
        $output | Should -Match "tcp://$([regex]::Escape($Lab.nodes[0].address)):2376"
        $output | Should -Match 'Leader'
        $output | Should -Match "$($Lab.nodes[0].name)/db"
        $output | Should -Match "$([regex]::Escape($Lab.nodes[1].address)):\d+->80/tcp|$([regex]::Escape($Lab.nodes[2].address)):\d+->80/tcp"
        $output | Should -Match 'NoNodeMatchesConstraint'
        $output | Should -Match 'sha256:[0-9a-f]{64}' -Because 'the containers run the digest the registry gave'
        $output | Should -Not -Match "`e\[" -Because 'output into a pipe is plain text'
        $output | Should -Not -Match ([regex]::Escape($Lab.registry.password))
    }
}
