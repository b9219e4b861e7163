# Pester 5 tests: the life of TCP sessions over loopback (listen, connect, accept, send, receive, half-close,
# close) and Get-Socket's view of them. Run them with ./build.ps1 -Task Test, or Invoke-Pester tests/Pester
# after dotnet build.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
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

    It 'filters by protocol' {
        Get-Socket -Protocol Tcp | Should -HaveCount 3
        Get-Socket -Protocol Udp, UnixStream | Should -BeNullOrEmpty
    }

    It 'takes several ids and states' {
        (Get-Socket -Id $client.Id, $server.Id).Id | Sort-Object | Should -Be (@($client.Id, $server.Id) | Sort-Object)
        Get-Socket -State Listening, Connected | Should -HaveCount 3
    }

    It 'no longer lists a closed session, and -Id of it is SessionNotFound' {
        $client | Close-Socket
        Get-Socket | Where-Object Id -EQ $client.Id | Should -BeNullOrEmpty
        Get-Socket | Should -HaveCount 2
        Get-Socket -Id $client.Id -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SessionNotFound,PSSocket.Commands.GetSocketCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Get-Socket -Id $client.Id -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotFound,PSSocket.Commands.GetSocketCommand'
    }
}

Describe 'New-Socket and Connect-Socket' {
    BeforeAll {
        $listener = Start-SocketListener
    }

    AfterEach {
        Get-Socket | Where-Object Id -NE $listener.Id | Close-Socket
    }

    AfterAll {
        $listener | Close-Socket
    }

    It 'makes a Created client session with the default timeouts and UTF-8' {
        $session = New-Socket
        $session.State | Should -Be 'Created'
        $session.Role | Should -Be 'Client'
        $session.Protocol | Should -Be 'Tcp'
        $session.ConnectTimeout | Should -Be 10000
        $session.ReceiveTimeout | Should -Be 30000
        $session.SendTimeout | Should -Be 30000
        $session.Encoding.WebName | Should -Be 'utf-8'
        $session.Encoding.GetPreamble() | Should -HaveCount 0
    }

    It 'binds with -LocalAddress and -LocalPort, and connects from that end point' {
        $session = New-Socket -LocalAddress 127.0.0.1 -LocalPort 0
        $session.State | Should -Be 'Bound'
        $port = $session.LocalEndPoint.Port
        $port | Should -BeGreaterThan 0
        $connected = $session | Connect-Socket -ComputerName 127.0.0.1 -Port $listener.LocalEndPoint.Port -Timeout 5000
        $connected.Id | Should -Be $session.Id
        $connected.State | Should -Be 'Connected'
        $connected.LocalEndPoint.Port | Should -Be $port
        $accepted = $listener | Wait-SocketConnection -Timeout 5000
        $accepted.RemoteEndPoint.Port | Should -Be $port
    }

    It 'connects a piped session and keeps its Id, RemoteHost and end points' {
        $session = New-Socket | Connect-Socket -ComputerName localhost -Port $listener.LocalEndPoint.Port -Timeout 5000
        $null = $listener | Wait-SocketConnection -Timeout 5000
        $session.RemoteHost | Should -Be 'localhost'
        $session.RemoteEndPoint.ToString() | Should -Be "127.0.0.1:$($listener.LocalEndPoint.Port)"
        $session.ConnectedAt | Should -Not -BeNullOrEmpty
        $session.CreatedAt | Should -BeLessOrEqual $session.ConnectedAt
    }

    It 'leaves a given session in its state after a failed connect, ready to try again' {
        $closed = Start-SocketListener
        $port = $closed.LocalEndPoint.Port
        $closed | Close-Socket
        $session = New-Socket
        { $session | Connect-Socket 127.0.0.1 $port -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
        $session.State | Should -Be 'Created'
        ($session | Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000).State | Should -Be 'Connected'
        $null = $listener | Wait-SocketConnection -Timeout 5000
    }

    It 'applies the session options' {
        $session = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000 -NoDelay -ReceiveTimeout 1234 -SendTimeout 2345 -Encoding unicode -ReceiveBufferSize 65536
        $null = $listener | Wait-SocketConnection -Timeout 5000
        $session.NoDelay | Should -BeTrue
        $session.Socket.NoDelay | Should -BeTrue
        $session.ReceiveTimeout | Should -Be 1234
        $session.SendTimeout | Should -Be 2345
        $session.Encoding.WebName | Should -Be 'utf-16'
        $session.Socket.ReceiveBufferSize | Should -BeGreaterOrEqual 65536
    }

    It 'gives each session a new Id' {
        $ids = 1..5 | ForEach-Object { (New-Socket).Id }
        $ids | Select-Object -Unique | Should -HaveCount 5
        Get-Socket -State Created | Should -HaveCount 5
    }

    It 'uses a session timeout that a script changed' {
        $session = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $null = $listener | Wait-SocketConnection -Timeout 5000
        $session.ReceiveTimeout = 150
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        { $session | Receive-SocketData -ErrorAction Stop } | Should -Throw -ErrorId 'ReceiveTimedOut,PSSocket.Commands.ReceiveSocketDataCommand'
        $watch.ElapsedMilliseconds | Should -BeGreaterOrEqual 140
    }
}

Describe 'Send-SocketData' {
    BeforeEach {
        $pair = New-SocketPair
    }

    AfterEach {
        $pair.Client, $pair.Server | Close-Socket
    }

    It 'sends each piped string, without a line end unless -Line' {
        'ab', 'cd' | Send-SocketData -Session $pair.Client
        $pair.Client | Close-Socket -SendOnly
        [Convert]::ToHexString(($pair.Server | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000)) | Should -Be '61626364'
    }

    It 'ends lines with LF, or CRLF with -LineEnding CrLf' {
        'a' | Send-SocketData -Session $pair.Client -Line
        'b' | Send-SocketData -Session $pair.Client -Line -LineEnding CrLf
        $pair.Client | Close-Socket -SendOnly
        [Convert]::ToHexString(($pair.Server | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000)) | Should -Be '610A620D0A'
    }

    It 'sends a byte array as it is, as one item' {
        $bytes = [byte[]] (0, 255, 10, 13, 128)
        Send-SocketData -Session $pair.Client -Data $bytes
        $pair.Client.BytesSent | Should -Be 5
        [Convert]::ToHexString(($pair.Server | Receive-SocketData -Count 5 -AsByteArray -Timeout 5000)) | Should -Be '00FF0A0D80'
    }

    It 'encodes text with -Encoding, without a byte order mark' {
        Send-SocketData -Session $pair.Client -Data 'hé' -Encoding unicode
        [Convert]::ToHexString(($pair.Server | Receive-SocketData -Count 4 -AsByteArray -Timeout 5000)) | Should -Be '6800E900'
    }

    It 'sends UTF-8 by default' {
        Send-SocketData -Session $pair.Client -Data 'é€'
        $pair.Client.BytesSent | Should -Be 5
        $pair.Server | Receive-SocketData -Count 5 -Timeout 5000 | Should -Be 'é€'
    }

    It 'sends numbers as their text' {
        Send-SocketData -Session $pair.Client -Data 42
        $pair.Server | Receive-SocketData -Count 2 -Timeout 5000 | Should -Be '42'
    }

    It 'encodes text as <Name> names it, without a byte order mark' -ForEach @(
        @{ Name = 'ascii'; DotNet = 'us-ascii' }
        @{ Name = 'unicode'; DotNet = 'utf-16' }
        @{ Name = 'bigendianunicode'; DotNet = 'utf-16BE' }
        @{ Name = 'utf32'; DotNet = 'utf-32' }
        @{ Name = 'bigendianutf32'; DotNet = 'utf-32BE' }
        @{ Name = 'latin1'; DotNet = 'iso-8859-1' }
        @{ Name = '28591'; DotNet = 'iso-8859-1' }
        @{ Name = 'utf8NoBOM'; DotNet = 'utf-8' }
    ) {
        $expected = [System.Text.Encoding]::GetEncoding($DotNet).GetBytes('Az')
        Send-SocketData -Session $pair.Client -Data 'Az' -Encoding $Name
        $got = $pair.Server | Receive-SocketData -Count $expected.Length -AsByteArray -Timeout 5000
        [Convert]::ToHexString($got) | Should -Be ([Convert]::ToHexString($expected))
        $pair.Client.BytesSent | Should -Be $expected.Length
        (New-Socket -Encoding $Name).Encoding.WebName | Should -Be $DotNet
    }

    It 'sends to each session piped with -PassThru in a chain' {
        $pair.Client | Send-SocketData 'one' -Line -PassThru | Send-SocketData 'two' -Line
        $pair.Server | Receive-SocketData -Line -Stream -MaxCount 2 -Timeout 5000 | Should -Be 'one', 'two'
    }
}

Describe 'Wait-SocketConnection' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It '-Count accepts that many connections and writes each as a session' {
        $listener = Start-SocketListener
        $clients = 1..3 | ForEach-Object { Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000 }
        $accepted = @($listener | Wait-SocketConnection -Count 3 -Timeout 5000)
        $accepted | Should -HaveCount 3
        $accepted.Role | Select-Object -Unique | Should -Be 'Accepted'
        ($accepted.RemoteEndPoint.Port | Sort-Object) | Should -Be ($clients.LocalEndPoint.Port | Sort-Object)
    }

    It 'an accepted connection starts with the listener''s timeouts and encoding' {
        $listener = Start-SocketListener -ReceiveTimeout 4321 -Encoding latin1
        $null = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $accepted = $listener | Wait-SocketConnection -Timeout 5000
        $accepted.ReceiveTimeout | Should -Be 4321
        $accepted.Encoding.WebName | Should -Be 'iso-8859-1'
    }
}

Describe 'Cleanup of sessions' {
    It 'Close-Socket closes every piped session' {
        $a = Start-SocketListener
        $b = Start-SocketListener
        $a, $b | Close-Socket
        $a.State | Should -Be 'Closed'
        $b.State | Should -Be 'Closed'
        Get-Socket | Where-Object Id -In $a.Id, $b.Id | Should -BeNullOrEmpty
    }

    It 'a closed listener frees its port' {
        $listener = Start-SocketListener
        $port = $listener.LocalEndPoint.Port
        $listener | Close-Socket
        $again = Start-SocketListener -Port $port
        $again.LocalEndPoint.Port | Should -Be $port
        $again | Close-Socket
    }

    It 'closing a runspace closes the sessions made in it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m) Import-Module $m; Start-SocketListener').AddArgument($PSSocketModulePath)
            $remote = $ps.Invoke()[0]
            $remote.State | Should -Be 'Listening'
            # It belongs to the other runspace: this one does not list it.
            Get-Socket | Where-Object { "$($_.LocalEndPoint)" -eq "$($remote.LocalEndPoint)" } | Should -BeNullOrEmpty
        }
        finally {
            $ps.Runspace.Dispose()
            $ps.Dispose()
        }
        $remote.State | Should -Be 'Closed'
        { Connect-Socket 127.0.0.1 $remote.LocalEndPoint.Port -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'Remove-Module PSSocket closes the sessions of the runspace' {
        $listener = Start-SocketListener
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        try {
            Remove-Module PSSocket
            $listener.State | Should -Be 'Closed'
            $client.State | Should -Be 'Closed'
        }
        finally {
            Import-Module $PSSocketManifest -Force
        }
        Get-Socket | Should -BeNullOrEmpty
    }
}
