# Pester 5 tests: the life of TCP sessions over loopback (listen, connect, accept, send, receive, half-close,
# close) and Get-Socket's view of them. Run them with ./build.ps1 -Task Test, or Invoke-Pester tests/Pester
# after dotnet build.

BeforeAll {
    Import-Module "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" -Force
}

Describe 'A TCP exchange over loopback' {
    BeforeAll {
        $listener = Start-SocketListener -Port 0
        $client = Connect-Socket -ComputerName 127.0.0.1 -Port $listener.LocalEndPoint.Port -Timeout 5000
        $server = Wait-SocketConnection -Listener $listener -Timeout 5000
    }

    AfterAll {
        $client, $server, $listener | Where-Object { $_ } | Close-Socket
    }

    It 'listens on loopback, on a port the system picked' {
        $listener.State | Should -Be 'Listening'
        $listener.Role | Should -Be 'Listener'
        $listener.LocalEndPoint.Address.ToString() | Should -Be '127.0.0.1'
        $listener.LocalEndPoint.Port | Should -BeGreaterThan 0
    }

    It 'connects the client and accepts it on the server' {
        $client.State | Should -Be 'Connected'
        $client.Role | Should -Be 'Client'
        $server.State | Should -Be 'Connected'
        $server.Role | Should -Be 'Accepted'
        $server.RemoteEndPoint.Port | Should -Be $client.LocalEndPoint.Port
    }

    It 'carries a line from the client to the server' {
        $client | Send-SocketData 'hello' -Line
        Receive-SocketData -Session $server -Line -Timeout 5000 | Should -Be 'hello'
    }

    It 'carries a line back from the server to the client' {
        Send-SocketData -Session $server -Data 'hello yourself' -Line
        Receive-SocketData -Session $client -Line -Timeout 5000 | Should -Be 'hello yourself'
    }

    It 'counts the bytes each way' {
        $client.BytesSent | Should -Be 6
        $server.BytesReceived | Should -Be 6
        $server.BytesSent | Should -Be 15
        $client.BytesReceived | Should -Be 15
    }

    It 'passes the session on with -PassThru' {
        $passed = $client | Send-SocketData 'ping' -Line -PassThru
        $passed.Id | Should -Be $client.Id
        Receive-SocketData -Session $server -Line -Timeout 5000 | Should -Be 'ping'
    }
}

Describe 'Half-close' {
    BeforeAll {
        $listener = Start-SocketListener
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
    }

    AfterAll {
        $client, $server, $listener | Where-Object { $_ } | Close-Socket
    }

    It 'lets the peer read to the end while the half-closed side still receives' {
        $client | Send-SocketData 'request' -PassThru | Close-Socket -SendOnly
        $client.State | Should -Be 'SendShutdown'

        Receive-SocketData -Session $server -ToEnd -Timeout 5000 | Should -Be 'request'
        $server.RemoteClosed | Should -BeTrue

        Send-SocketData -Session $server -Data 'response'
        Close-Socket -Session $server
        Receive-SocketData -Session $client -ToEnd -Timeout 5000 | Should -Be 'response'
    }

    It 'refuses to send on the half-closed side' {
        { Send-SocketData -Session $client -Data 'more' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SendShutdown,PSSocket.Commands.SendSocketDataCommand'
    }
}

Describe 'Close-Socket' {
    It 'closes a session, and closing it again does nothing' {
        $listener = Start-SocketListener
        $closed = $listener | Close-Socket -PassThru
        $closed.State | Should -Be 'Closed'
        $closed.ClosedAt | Should -Not -BeNullOrEmpty
        { $listener | Close-Socket -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Get-Socket' {
    BeforeAll {
        Get-Socket | Close-Socket
        $listener = Start-SocketListener
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
    }

    AfterAll {
        $client, $server, $listener | Where-Object { $_ } | Close-Socket
    }

    It 'lists every open session of the runspace' {
        $ids = Get-Socket | ForEach-Object { $_.Id }
        $ids | Should -HaveCount 3
        $ids | Should -Contain $listener.Id
        $ids | Should -Contain $client.Id
        $ids | Should -Contain $server.Id
    }

    It 'filters by id' {
        (Get-Socket -Id $client.Id).Role | Should -Be 'Client'
    }

    It 'filters by state and role' {
        (Get-Socket -State Listening).Id | Should -Be $listener.Id
        (Get-Socket -Role Accepted).Id | Should -Be $server.Id
        Get-Socket -State Connected | Should -HaveCount 2
    }

    It 'no longer lists a closed session' {
        $client | Close-Socket
        Get-Socket -Id $client.Id | Should -BeNullOrEmpty
        Get-Socket | Should -HaveCount 2
    }
}
