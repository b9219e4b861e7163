@{
    RootModule           = 'PSSocket.dll'
    ModuleVersion        = '0.3.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5b0c6d0e-3f7a-4d55-9a7e-2f4c1c2d9a61'
    Author               = 'The PSSocket developers'
    CompanyName          = 'PSSocket'
    Copyright            = '(c) The PSSocket developers. MIT License.'
    Description          = 'Socket programming on the PowerShell pipeline: TCP and UDP over IPv4 and IPv6, and Unix domain sockets, as session objects that walk through New-Socket, Connect-Socket, Start-SocketListener, Send-SocketData, Receive-SocketData and Close-Socket.'
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('PSSocket.Format.ps1xml')
    CmdletsToExport      = @(
        'New-Socket'
        'Connect-Socket'
        'Start-SocketListener'
        'Wait-SocketConnection'
        'Send-SocketData'
        'Receive-SocketData'
        'Close-Socket'
        'Get-Socket'
        'Start-SocketTls'
        'Test-SocketPort'
        'Wait-Socket'
        'New-SocketFault'
        'Set-SocketFault'
        'Clear-SocketFault'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Socket', 'TCP', 'UDP', 'UnixSocket', 'IPv6', 'Network', 'Sockets', 'Client', 'Server', 'Listener', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri = 'https://github.com/pssocket/PSSocket'
            LicenseUri = 'https://github.com/pssocket/PSSocket/blob/main/LICENSE'
            # Filled from CHANGELOG.md's section for ModuleVersion when build.ps1 packages the module.
            ReleaseNotes = ''
        }
    }
}
