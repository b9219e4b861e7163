# Pester 5 tests: the stable error ids. Tests match the FullyQualifiedErrorId (id,command), never the message text.

BeforeAll {
    Import-Module "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" -Force
}

Describe 'Error ids' {
    BeforeAll {
        $listener = Start-SocketListener
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
    }

    AfterAll {
        $client, $server, $listener | Where-Object { $_ } | Close-Socket
    }

    It 'ConnectionRefused when nothing listens on the port' {
        $closed = Start-SocketListener
        $port = $closed.LocalEndPoint.Port
        $closed | Close-Socket
        { Connect-Socket -ComputerName 127.0.0.1 -Port $port -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'leaves no session behind after a refused connect' {
        $before = @(Get-Socket).Count
        $closed = Start-SocketListener
        $port = $closed.LocalEndPoint.Port
        $closed | Close-Socket
        Connect-Socket -ComputerName 127.0.0.1 -Port $port -Timeout 5000 -ErrorAction SilentlyContinue
        @(Get-Socket).Count | Should -Be $before
    }

    It 'UnknownEncoding for an encoding name that does not exist' {
        { Receive-SocketData -Session $client -Encoding 'no-such-encoding' -Timeout 100 } |
            Should -Throw -ErrorId 'UnknownEncoding,PSSocket.Commands.ReceiveSocketDataCommand'
        { New-Socket -Encoding 'no-such-encoding' } |
            Should -Throw -ErrorId 'UnknownEncoding,PSSocket.Commands.NewSocketCommand'
    }

    It 'ReceiveOnListener when receiving on a listener' {
        { Receive-SocketData -Session $listener -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReceiveOnListener,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'ReceiveTimedOut when nothing arrives in time, and the session stays usable' {
        { Receive-SocketData -Session $client -Timeout 200 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReceiveTimedOut,PSSocket.Commands.ReceiveSocketDataCommand'

        $client.State | Should -Be 'Connected'
        Send-SocketData -Session $server -Data 'late' -Line
        Receive-SocketData -Session $client -Line -Timeout 5000 | Should -Be 'late'
    }

    It 'SessionClosed when receiving on a closed session' {
        $closedListener = Start-SocketListener
        $closedClient = Connect-Socket 127.0.0.1 $closedListener.LocalEndPoint.Port -Timeout 5000
        $closedServer = $closedListener | Wait-SocketConnection -Timeout 5000
        $closedClient, $closedServer, $closedListener | Close-Socket

        { Receive-SocketData -Session $closedClient -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionClosed,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'writes a non-terminating error that -ErrorVariable collects' {
        Receive-SocketData -Session $listener -Timeout 100 -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'ReceiveOnListener,PSSocket.Commands.ReceiveSocketDataCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].TargetObject.Id | Should -Be $listener.Id
    }
}
