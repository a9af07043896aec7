@{
    # The version lives here only: Directory.Build.props reads it into every assembly.
    ModuleVersion        = '0.1.0'
    GUID                 = '5d2f3c1e-7a4b-4f7e-9a53-2b8e0c6d41a7'
    Author               = 'SwarmPS contributors'
    CompanyName          = 'SwarmPS'
    Copyright            = '(c) SwarmPS contributors. MIT License.'
    Description          = 'Build and run Docker Swarm clusters from PowerShell: provision hosts over SSH, expose the Docker Engine API with mutual TLS, and manage swarm nodes and containers as typed objects.'
    RootModule           = 'SwarmPS.dll'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('SwarmPS.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-SwarmHost'
        'Connect-SwarmRegistry'
        'ConvertTo-SwarmStack'
        'Copy-SwarmImage'
        'Deploy-SwarmStack'
        'Disable-DockerTcpSocket'
        'Disconnect-SwarmHost'
        'Disconnect-SwarmRegistry'
        'Enable-DockerTcpSocket'
        'Export-SwarmContext'
        'Get-DockerHost'
        'Get-SwarmCluster'
        'Get-SwarmContainer'
        'Get-SwarmContainerLog'
        'Get-SwarmHost'
        'Get-SwarmJoinToken'
        'Get-SwarmNode'
        'Get-SwarmRegistry'
        'Get-SwarmStack'
        'Get-SwarmTask'
        'Get-SwarmVolume'
        'Join-SwarmNode'
        'New-SwarmCluster'
        'New-SwarmContainer'
        'Remove-SwarmCluster'
        'Remove-SwarmContainer'
        'Remove-SwarmContext'
        'Remove-SwarmNode'
        'Remove-SwarmVolume'
        'Remove-SwarmStack'
        'Restart-SwarmContainer'
        'Set-DockerHost'
        'Set-SwarmContainer'
        'Set-SwarmNode'
        'Start-SwarmManager'
        'New-SwarmSecret'
        'Get-SwarmSecret'
        'Remove-SwarmSecret'
        'New-SwarmConfig'
        'Get-SwarmConfig'
        'Remove-SwarmConfig'
        'New-SwarmNetwork'
        'Get-SwarmNetwork'
        'Remove-SwarmNetwork'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Docker', 'Swarm', 'SSH', 'Linux', 'TLS', 'Cluster')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/swarmps/swarmps'
        }
    }
}
