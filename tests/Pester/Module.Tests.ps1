# Pester 5 tests: the module as a user meets it: its manifest, its cmdlets, their help, the session table.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

BeforeDiscovery {
    $cmdlets = 'Clear-SocketFault', 'Close-Socket', 'Connect-Socket', 'Get-Socket', 'New-Socket', 'New-SocketFault', 'Receive-SocketData',
    'Send-SocketData', 'Set-SocketFault', 'Start-SocketListener', 'Start-SocketTls', 'Test-SocketPort', 'Wait-Socket',
    'Wait-SocketConnection'
}

Describe 'The module' {
    It 'has a manifest that Test-ModuleManifest accepts, for both editions' {
        $manifest = Test-ModuleManifest $PSSocketManifest
        $manifest.Name | Should -Be 'PSSocket'
        $manifest.RootModule | Should -Be 'PSSocket.dll'
        $manifest.CompatiblePSEditions | Should -Be 'Desktop', 'Core'
        $manifest.ExportedFunctions.Count | Should -Be 0
        $manifest.ExportedAliases.Count | Should -Be 0
    }

    It 'exports exactly the ten cmdlets' {
        (Get-Command -Module PSSocket).Name | Sort-Object | Should -Be ($cmdlets | Sort-Object)
        Get-Command -Module PSSocket | ForEach-Object CommandType | Select-Object -Unique | Should -Be 'Cmdlet'
    } -TestCases @{ cmdlets = $cmdlets }

    It 'has help with a synopsis and examples for <_>' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "*$_ *[[]*"
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }

    It 'has the about_PSSocket topic' {
        Get-Help about_PSSocket | Out-String | Should -BeLike '*Receive modes and the buffering guarantee*'
    }

    It 'shows sessions as a table with their protocol, state and end points' {
        $listener = Start-SocketListener
        $text = Get-Socket | Format-Table | Out-String
        $text | Should -BeLike '*Protocol*State*'
        $text | Should -BeLike "*Listening*127.0.0.1:$($listener.LocalEndPoint.Port)*"
        $listener | Close-Socket
    }
}
