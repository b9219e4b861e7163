# Pester 5 tests: UDP datagram sessions, Unix domain sockets and dual-stack listeners, over loopback.
# The xunit suite (tests/PSSocket.Tests) covers the same ground, with the interop tests against socat and ncat.

BeforeAll {
    Import-Module "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" -Force
}

AfterEach {
    Get-Socket | Close-Socket
}

Describe 'UDP sessions' {
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

    It 'refuses stream modes with NotAStreamSession' {
        $server = Start-SocketListener -Protocol Udp
        { Receive-SocketData $server -Line -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAStreamSession,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'refuses a datagram over 65,507 bytes with DatagramTooLarge' {
        $client = New-Socket -Protocol Udp
        { Send-SocketData -Session $client -RemoteEndPoint 127.0.0.1:9 -Data ([byte[]]::new(65508)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'DatagramTooLarge,PSSocket.Commands.SendSocketDataCommand'
    }

    It 'needs a destination on an unconnected session' {
        $client = New-Socket -Protocol Udp
        { $client | Send-SocketData 'x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoDestination,PSSocket.Commands.SendSocketDataCommand'
    }
}

Describe 'Unix domain sockets' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
    BeforeEach {
        $path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "pss-pester-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sock")
    }

    It 'connects, exchanges data and removes the socket file when the listener closes' {
        $listener = Start-SocketListener -Path $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $client | Send-SocketData 'hello' -Line
        $server | Receive-SocketData -Line -Timeout 5000 | Should -Be 'hello'
        $listener | Close-Socket
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'says SocketPathNotFound for a path that does not exist' {
        { Connect-Socket -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'SocketPathNotFound,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'says NotASocket for a file and leaves the file alone' {
        Set-Content -LiteralPath $path -Value 'precious'
        try {
            { Start-SocketListener -Path $path -ErrorAction Stop } |
                Should -Throw -ErrorId 'NotASocket,PSSocket.Commands.StartSocketListenerCommand'
            Get-Content -LiteralPath $path | Should -Be 'precious'
        }
        finally {
            Remove-Item -LiteralPath $path
        }
    }

    It 'says SocketPathTooLong for a path over the limit' {
        { Connect-Socket -Path ('/tmp/' + ('x' * 120)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'SocketPathTooLong,PSSocket.Commands.ConnectSocketCommand'
    }
}

Describe 'Dual-stack listeners' {
    It 'accepts IPv4 and IPv6 clients on one socket and shows IPv4 plainly' {
        $listener = Start-SocketListener -LocalAddress :: -DualMode
        $null = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $null = Connect-Socket ::1 $listener.LocalEndPoint.Port -Timeout 5000
        $remotes = $listener | Wait-SocketConnection -Count 2 -Timeout 5000 | ForEach-Object { $_.RemoteEndPoint.ToString() }
        $remotes | Where-Object { $_ -like '127.0.0.1:*' } | Should -HaveCount 1
        $remotes | Where-Object { $_ -like '`[::1`]:*' } | Should -HaveCount 1
    }
}
