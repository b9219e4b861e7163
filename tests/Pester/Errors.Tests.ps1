# Pester 5 tests: the stable error ids. Tests match the FullyQualifiedErrorId (id,command), never the message text.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
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
        Connect-Socket -ComputerName 127.0.0.1 -Port $port -Timeout 5000 -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures | Should -HaveCount 1
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
        { Send-SocketData -Session $closedClient -Data 'x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionClosed,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'writes a non-terminating error that -ErrorVariable collects' {
        Receive-SocketData -Session $listener -Timeout 100 -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'ReceiveOnListener,PSSocket.Commands.ReceiveSocketDataCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].TargetObject.Id | Should -Be $listener.Id
    }

    It 'a failure with one piped session does not stop the others' {
        Send-SocketData -Session $server -Data 'for the client' -Line
        $results = $listener, $client | Receive-SocketData -Line -Timeout 5000 -ErrorAction SilentlyContinue -ErrorVariable failures
        $results | Should -Be 'for the client'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ReceiveOnListener,*'
    }

    It 'SendOnListener when sending on a listener' {
        { Send-SocketData -Session $listener -Data 'x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SendOnListener,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'NotListening when accepting on a session that is no listener' {
        { Wait-SocketConnection -Listener $client -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotListening,PSSocket.Commands.WaitSocketConnectionCommand'
    }

    It 'AlreadyConnected when connecting a connected session' {
        { $client | Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -ErrorAction Stop } |
            Should -Throw -ErrorId 'AlreadyConnected,PSSocket.Commands.ConnectSocketCommand'
        $client.State | Should -Be 'Connected'
    }

    It 'NotADatagramSession for a destination on a stream session' {
        { Send-SocketData -Session $client -Data 'x' -RemoteEndPoint 127.0.0.1:9 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotADatagramSession,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'UnsupportedData for an object with no text form' {
        { Send-SocketData -Session $client -Data @{ a = 1 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedData,PSSocket.Commands.SendSocketDataCommand'
        $client.BytesSent | Should -Be 0
    }

    It 'CountTooLarge for a -Count that only -OutFile can hold' {
        { Receive-SocketData -Session $client -Count 5000000000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CountTooLarge,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'PathNotFound for a -Path file that does not exist' {
        { Send-SocketData -Session $client -Path (New-TestPath) -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathNotFound,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'FileReadError for a -Path that is a folder' {
        { Send-SocketData -Session $client -Path $TestDirectory -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileReadError,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'OutFileDirectoryNotFound for an -OutFile in a missing folder' {
        $missing = Join-Path (New-TestPath '') 'out.bin'
        { Receive-SocketData -Session $client -Count 5 -OutFile $missing -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutFileDirectoryNotFound,PSSocket.Commands.ReceiveSocketDataCommand'
    }
}

Describe 'Errors of sessions that are not connected' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'NotConnected when sending on a new session' {
        { New-Socket | Send-SocketData 'x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotConnected,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'NotConnected when receiving on a new session' {
        { New-Socket | Receive-SocketData -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotConnected,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'AcceptTimedOut when no client comes, and the listener keeps listening' {
        $listener = Start-SocketListener
        { $listener | Wait-SocketConnection -Timeout 200 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AcceptTimedOut,PSSocket.Commands.WaitSocketConnectionCommand'
        $listener.State | Should -Be 'Listening'
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        ($listener | Wait-SocketConnection -Timeout 5000).RemoteEndPoint.Port | Should -Be $client.LocalEndPoint.Port
    }

    It 'AddressInUse for a port that is taken' {
        $listener = Start-SocketListener
        { Start-SocketListener -Port $listener.LocalEndPoint.Port -ErrorAction Stop } |
            Should -Throw -ErrorId 'AddressInUse,PSSocket.Commands.StartSocketListenerCommand'
    }

    It 'AddressNotAvailable for a local address this machine does not have' {
        { New-Socket -LocalAddress 192.0.2.77 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AddressNotAvailable,PSSocket.Commands.NewSocketCommand'
    }

    It 'AddressFamilyMismatch for a local address of the other family' {
        { New-Socket -AddressFamily IPv6 -LocalAddress 127.0.0.1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AddressFamilyMismatch,PSSocket.Commands.NewSocketCommand'
    }

    It 'NoAddressForFamily for an address literal of the other family' -ForEach @(
        @{ Address = '::1'; Family = 'IPv4' }
        @{ Address = '127.0.0.1'; Family = 'IPv6' }
    ) {
        { Connect-Socket $Address 9 -AddressFamily $Family -Timeout 2000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoAddressForFamily,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'NameNotResolved for a name in the .invalid domain' {
        { Connect-Socket 'no-such-host.invalid' 80 -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NameNotResolved,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'SendIncomplete for a send the peer never makes room for, with how far it got' {
        $pair = New-SocketPair
        $pair.Client.SendTimeout = 500
        $data = [byte[]]::new(64MB)
        $pair.Client | Send-SocketData $data -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SendIncomplete,PSSocket.Commands.SendSocketDataCommand'
        $failures[0].Exception.BytesRequested | Should -Be 64MB
        $failures[0].Exception.BytesSent | Should -BeGreaterThan 0
        $failures[0].Exception.BytesSent | Should -BeLessThan 64MB
        $pair.Client.BytesSent | Should -Be $failures[0].Exception.BytesSent
    }

    It 'SessionNotFound for an Id that no open session has' {
        { Get-Socket -Id 987654 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionNotFound,PSSocket.Commands.GetSocketCommand'
    }

    It 'EndOfStream when the stream ends before -Count, and the bytes stay buffered' {
        $pair = New-SocketPair -Payload 'abc' -CloseServer
        { Receive-SocketData -Session $pair.Client -Count 5 -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'EndOfStream,PSSocket.Commands.ReceiveSocketDataCommand'
        $pair.Client.BytesBuffered | Should -Be 3
        Receive-SocketData -Session $pair.Client -Count 3 -Timeout 5000 | Should -Be 'abc'
    }
}

Describe 'Terminating errors for parameters that do not combine' {
    AfterEach {
        Clear-TestSessions
    }

    It 'ConflictingParameters for a background server on UDP' {
        { Start-SocketListener -Protocol Udp -Echo } |
            Should -Throw -ErrorId 'ConflictingParameters,PSSocket.Commands.StartSocketListenerCommand'
        Get-Socket | Should -BeNullOrEmpty
    }

    It 'InvalidClientAddress for an -AllowedClient entry that is no address' {
        { Start-SocketListener -Echo -AllowedClient 'not an address' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidClientAddress,PSSocket.Commands.StartSocketListenerCommand'
    }

    It 'ListenerInUse when accepting on a listener whose server accepts' {
        $echo = Start-SocketListener -Echo
        { $echo | Wait-SocketConnection -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ListenerInUse,PSSocket.Commands.WaitSocketConnectionCommand'
    }

    It 'TlsNotRequested for a TLS parameter without -UseTls' {
        { Connect-Socket 127.0.0.1 9 -SkipCertificateCheck } |
            Should -Throw -ErrorId 'TlsNotRequested,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'InvalidPattern for an -Expect that is no regular expression' {
        { Test-SocketPort 127.0.0.1 9 -Expect '[' } |
            Should -Throw -ErrorId 'InvalidPattern,PSSocket.Commands.TestSocketPortCommand'
    }

    It 'a parameter outside its range is refused by binding' {
        { New-Socket -LocalPort 70000 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,PSSocket.Commands.NewSocketCommand'
    }
}
