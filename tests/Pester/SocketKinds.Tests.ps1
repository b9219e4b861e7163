# Pester 5 tests: UDP datagram sessions, Unix domain sockets, IPv6 on ::1 and dual-stack listeners.
# The xunit suite (tests/PSSocket.Tests) covers the same ground, with the interop tests against socat and ncat.

BeforeDiscovery {
    $noUnix = $PSVersionTable.PSEdition -ne 'Core'
    $noSocat = (-not (Get-Command socat -CommandType Application -ErrorAction SilentlyContinue)) -and $env:CI -ne 'true'
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'UDP sessions' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'receives one SocketDatagram per datagram and answers its sender' {
        $server = Start-SocketListener -Protocol Udp
        $client = New-Socket -Protocol Udp -ReceiveTimeout 5000
        'one', 'two' | Send-SocketData -Session $client -RemoteEndPoint "127.0.0.1:$($server.LocalEndPoint.Port)"

        $datagrams = @(Receive-SocketData $server -Count 2 -Timeout 5000)
        $datagrams.Data | Should -Be @('one', 'two')
        $datagrams[0].RemoteEndPoint.Port | Should -Be $client.LocalEndPoint.Port

        $datagrams[0] | Send-SocketData 'ONE'
        (Receive-SocketData $client).Data | Should -Be 'ONE'
    }

    It 'keeps message boundaries: two sends are two datagrams, with their lengths' {
        $server = Start-SocketListener -Protocol Udp
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Protocol Udp
        $client.State | Should -Be 'Connected'
        $client | Send-SocketData 'abc'
        $client | Send-SocketData ([byte[]] (1, 2, 3, 4, 5))
        $first, $second = Receive-SocketData $server -Count 2 -AsByteArray -Timeout 5000
        $first.Length | Should -Be 3
        [Convert]::ToHexString($second.Data) | Should -Be '0102030405'
        $second.Length | Should -Be 5
        $server.DatagramsReceived | Should -Be 2
        $client.DatagramsSent | Should -Be 2
    }

    It 'sends with -ComputerName and -Port, and the session is Bound after its first send' {
        $server = Start-SocketListener -Protocol Udp
        $client = New-Socket -Protocol Udp
        $client | Send-SocketData 'to a name' -ComputerName 127.0.0.1 -Port $server.LocalEndPoint.Port
        $client.State | Should -Be 'Bound'
        (Receive-SocketData $server -Timeout 5000).Data | Should -Be 'to a name'
    }

    It '-Stream with -MaxCount writes each datagram as it arrives' {
        $server = Start-SocketListener -Protocol Udp
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Protocol Udp
        1..5 | ForEach-Object { "d$_" } | Send-SocketData -Session $client
        (Receive-SocketData $server -Stream -MaxCount 5 -Timeout 5000).Data | Should -Be 'd1', 'd2', 'd3', 'd4', 'd5'
    }

    It '-Duration writes each datagram that arrives within the window' {
        $server = Start-SocketListener -Protocol Udp
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Protocol Udp
        'a', 'b' | Send-SocketData -Session $client
        (Receive-SocketData $server -Duration 500 -ErrorAction Stop).Data | Should -Be 'a', 'b'
    }

    It 'an echo server made of a pipeline answers every datagram' {
        $server = Start-SocketListener -Protocol Udp
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Protocol Udp -ReceiveTimeout 5000
        'x', 'yy', 'zzz' | Send-SocketData -Session $client
        $server | Receive-SocketData -Stream -MaxCount 3 -Timeout 5000 | Send-SocketData
        (Receive-SocketData $client -Count 3 -Timeout 5000).Data | Should -Be 'x', 'yy', 'zzz'
    }

    It 'a UDP client bound by New-Socket receives there' {
        $client = New-Socket -Protocol Udp -LocalAddress 127.0.0.1 -LocalPort 0
        $client.State | Should -Be 'Bound'
        $sender = New-Socket -Protocol Udp
        $sender | Send-SocketData 'to the bound port' -RemoteEndPoint $client.LocalEndPoint
        (Receive-SocketData $client -Timeout 5000).Data | Should -Be 'to the bound port'
    }

    It 'carries a datagram of 65,507 bytes whole' {
        $server = Start-SocketListener -Protocol Udp
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Protocol Udp
        $bytes = New-RandomBytes 65507 -Seed 7
        $client | Send-SocketData $bytes
        $d = Receive-SocketData $server -AsByteArray -Timeout 5000
        $d.Length | Should -Be 65507
        Test-BytesEqual $bytes $d.Data | Should -BeTrue
    }

    It 'refuses stream modes with NotAStreamSession' -ForEach @(
        @{ Mode = @{ Line = $true } }
        @{ Mode = @{ Delimiter = ';' } }
        @{ Mode = @{ ToEnd = $true } }
    ) {
        $server = Start-SocketListener -Protocol Udp
        { Receive-SocketData $server @Mode -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAStreamSession,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'refuses a half-close with NotAStreamSession' {
        $server = Start-SocketListener -Protocol Udp
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Protocol Udp
        { $client | Close-Socket -SendOnly -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAStreamSession,PSSocket.Commands.CloseSocketCommand'
    }

    It 'refuses a datagram over 65,507 bytes with DatagramTooLarge' {
        $client = New-Socket -Protocol Udp
        { Send-SocketData -Session $client -RemoteEndPoint 127.0.0.1:9 -Data ([byte[]]::new(65508)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'DatagramTooLarge,PSSocket.Commands.SendSocketDataCommand'
        $client.DatagramsSent | Should -Be 0
    }

    It 'needs a destination on an unconnected session' {
        $client = New-Socket -Protocol Udp
        { $client | Send-SocketData 'x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoDestination,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'NotBound for a receive on a UDP session that was never bound' {
        { New-Socket -Protocol Udp | Receive-SocketData -Timeout 100 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotBound,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'BroadcastNotEnabled for a broadcast address without -Broadcast' {
        { New-Socket -Protocol Udp | Send-SocketData 'x' -RemoteEndPoint 255.255.255.255:9 -ErrorAction Stop } |
            Should -Throw -ErrorId 'BroadcastNotEnabled,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'InvalidMulticastGroup for a group that is no multicast address' {
        { Start-SocketListener -Protocol Udp -MulticastGroup 10.1.2.3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidMulticastGroup,PSSocket.Commands.StartSocketListenerCommand'
    }

    It 'ReceiveTimedOut on a datagram session when nothing arrives' {
        $server = Start-SocketListener -Protocol Udp
        { Receive-SocketData $server -Timeout 200 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReceiveTimedOut,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'exchanges datagrams with socat' -Skip:$noSocat {
        $server = Start-SocketListener -Protocol Udp
        $socat = Start-TestProcess socat @('-T', '10', '-', "UDP:127.0.0.1:$($server.LocalEndPoint.Port)")
        try {
            $socat.StandardInput.Write("from socat`n")
            $socat.StandardInput.Flush()
            $d = Receive-SocketData $server -Timeout 5000
            $d.Data | Should -Be "from socat`n"
            $d | Send-SocketData "from PSSocket`n"
            $read = $socat.StandardOutput.ReadLineAsync()
            $read.Wait(5000) | Should -BeTrue
            $read.Result | Should -Be 'from PSSocket'
        }
        finally {
            Stop-TestProcess $socat
        }
    }
}

Describe 'Unix domain sockets' -Skip:$noUnix {
    BeforeEach {
        $path = New-TestPath '.sock'
    }

    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'connects, exchanges data and removes the socket file when the listener closes' {
        $listener = Start-SocketListener -Path $path
        $listener.Protocol | Should -Be 'UnixStream'
        $listener.LocalEndPoint.ToString() | Should -Be $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $client | Send-SocketData 'hello' -Line
        $server | Receive-SocketData -Line -Timeout 5000 | Should -Be 'hello'
        $listener | Close-Socket
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'works like TCP in every receive mode' {
        $listener = Start-SocketListener -Path $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $server | Send-SocketData "line`nrec;12345rest"
        $server | Close-Socket
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'line'
        $client | Receive-SocketData -Delimiter ';' -Timeout 5000 | Should -Be 'rec'
        $client | Receive-SocketData -Count 5 -Timeout 5000 | Should -Be '12345'
        $client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be 'rest'
    }

    It 'Get-Socket -Protocol UnixStream lists the Unix sessions' {
        $listener = Start-SocketListener -Path $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $null = $listener | Wait-SocketConnection -Timeout 5000
        Get-Socket -Protocol UnixStream | Should -HaveCount 3
        Get-Socket -Protocol Tcp | Should -BeNullOrEmpty
    }

    It 'exchanges Unix datagrams with a client bound by -LocalPath' {
        $server = Start-SocketListener -Protocol UnixDatagram -Path $path
        $server.State | Should -Be 'Bound'
        $clientPath = New-TestPath '.sock'
        $client = New-Socket -Protocol UnixDatagram -LocalPath $clientPath
        $client | Send-SocketData 'ping' -RemoteEndPoint $server.LocalEndPoint
        $d = Receive-SocketData $server -Timeout 5000
        $d.Data | Should -Be 'ping'
        $d.RemoteEndPoint.ToString() | Should -Be $clientPath
        $d | Send-SocketData 'pong'
        (Receive-SocketData $client -Timeout 5000).Data | Should -Be 'pong'
    }

    It 'says SocketPathNotFound for a path that does not exist' {
        { Connect-Socket -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'SocketPathNotFound,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'says NotASocket for a file and leaves the file alone' {
        Set-Content -LiteralPath $path -Value 'precious'
        { Start-SocketListener -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotASocket,PSSocket.Commands.StartSocketListenerCommand'
        Get-Content -LiteralPath $path | Should -Be 'precious'
        { Connect-Socket -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotASocket,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'says SocketPathTooLong for a path over the limit' {
        { Connect-Socket -Path (Join-Path $TestDirectory ('x' * 120)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'SocketPathTooLong,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'says SocketTypeMismatch for a stream connect to a datagram socket' {
        $null = Start-SocketListener -Protocol UnixDatagram -Path $path
        { Connect-Socket -Path $path -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SocketTypeMismatch,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'says AddressInUse for a path a live listener holds' {
        $null = Start-SocketListener -Path $path
        { Start-SocketListener -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'AddressInUse,PSSocket.Commands.StartSocketListenerCommand'
        Test-Path -LiteralPath $path | Should -BeTrue
    }

    It 'replaces a stale socket file, and a connect to one is refused' -Skip:$noSocat {
        # socat killed with SIGKILL leaves its socket file behind, as a crashed server does.
        $socat = Start-TestProcess socat @("UNIX-LISTEN:$path", '-')
        try {
            Wait-Until { Test-Path -LiteralPath $path } | Should -BeTrue
        }
        finally {
            Stop-TestProcess $socat
        }
        Test-Path -LiteralPath $path | Should -BeTrue
        { Connect-Socket -Path $path -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
        $listener = Start-SocketListener -Path $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $client.State | Should -Be 'Connected'
    }

    It 'talks to socat over a Unix socket' -Skip:$noSocat {
        $listener = Start-SocketListener -Path $path
        $socat = Start-TestProcess socat @('-T', '10', '-', "UNIX-CONNECT:$path")
        try {
            $server = $listener | Wait-SocketConnection -Timeout 5000
            $socat.StandardInput.Write("over unix`n")
            $socat.StandardInput.Close()
            $server | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be "over unix`n"
        }
        finally {
            Stop-TestProcess $socat
        }
    }
}

Describe 'IPv6 and dual-stack listeners' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'listens on ::1 with -AddressFamily IPv6 and shows [::1]:port' {
        $listener = Start-SocketListener -AddressFamily IPv6
        $listener.LocalEndPoint.Address.ToString() | Should -Be '::1'
        $client = Connect-Socket ::1 $listener.LocalEndPoint.Port -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $client.RemoteEndPoint.ToString() | Should -Be "[::1]:$($listener.LocalEndPoint.Port)"
        $client | Send-SocketData 'six' -Line
        $server | Receive-SocketData -Line -Timeout 5000 | Should -Be 'six'
    }

    It 'a name connects only over the forced family' {
        $listener = Start-SocketListener
        $client = Connect-Socket localhost $listener.LocalEndPoint.Port -AddressFamily IPv4 -Timeout 5000
        $client.RemoteEndPoint.Address.ToString() | Should -Be '127.0.0.1'
    }

    It 'an IPv6-only listener refuses IPv4 clients' {
        $listener = Start-SocketListener -AddressFamily IPv6
        { Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'UDP over ::1' {
        $server = Start-SocketListener -Protocol Udp -AddressFamily IPv6
        $client = Connect-Socket ::1 $server.LocalEndPoint.Port -Protocol Udp
        $client | Send-SocketData 'udp6'
        $d = Receive-SocketData $server -Timeout 5000
        $d.Data | Should -Be 'udp6'
        $d.RemoteEndPoint.ToString() | Should -Be "[::1]:$($client.LocalEndPoint.Port)"
    }

    It 'accepts IPv4 and IPv6 clients on one socket and shows IPv4 plainly' {
        $listener = Start-SocketListener -LocalAddress :: -DualMode
        $null = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $null = Connect-Socket ::1 $listener.LocalEndPoint.Port -Timeout 5000
        $remotes = $listener | Wait-SocketConnection -Count 2 -Timeout 5000 | ForEach-Object { $_.RemoteEndPoint.ToString() }
        $remotes | Where-Object { $_ -like '127.0.0.1:*' } | Should -HaveCount 1
        $remotes | Where-Object { $_ -like '`[::1`]:*' } | Should -HaveCount 1
    }
}
