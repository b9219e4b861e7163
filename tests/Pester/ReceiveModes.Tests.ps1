# Pester 5 tests: each framing of Receive-SocketData, and the bytes a call leaves buffered for the next one.

BeforeAll {
    Import-Module "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" -Force

    # A connected client and server; the server sends $Payload (and closes if asked) before the test reads.
    function New-SocketPair {
        param([string] $Payload, [switch] $CloseServer)

        $listener = Start-SocketListener
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $listener | Close-Socket
        if ($Payload) {
            Send-SocketData -Session $server -Data $Payload
        }

        if ($CloseServer) {
            $server | Close-Socket
        }

        [pscustomobject]@{ Client = $client; Server = $server }
    }
}

Describe 'Receive-SocketData' {
    AfterEach {
        if ($pair) {
            $pair.Client, $pair.Server | Close-Socket
        }
    }

    It '-Count receives exactly that many bytes' {
        $pair = New-SocketPair -Payload 'HELO world'
        Receive-SocketData -Session $pair.Client -Count 4 -Timeout 5000 | Should -Be 'HELO'
        Receive-SocketData -Session $pair.Client -Count 6 -Timeout 5000 | Should -Be ' world'
    }

    It '-AsByteArray returns one byte array' {
        $pair = New-SocketPair -Payload 'ABC'
        $bytes = Receive-SocketData -Session $pair.Client -Count 3 -AsByteArray -Timeout 5000
        $bytes -is [byte[]] | Should -BeTrue
        $bytes -join ',' | Should -Be '65,66,67'
    }

    It '-Line drops the LF or CRLF that ends a line' {
        $pair = New-SocketPair -Payload "first`r`nsecond`n"
        Receive-SocketData -Session $pair.Client -Line -Timeout 5000 | Should -Be 'first'
        Receive-SocketData -Session $pair.Client -Line -Timeout 5000 | Should -Be 'second'
    }

    It '-Line leaves the bytes after the line buffered' {
        $pair = New-SocketPair -Payload "one`ntwo" -CloseServer
        Receive-SocketData -Session $pair.Client -Line -Timeout 5000 | Should -Be 'one'
        Receive-SocketData -Session $pair.Client -Count 3 -Timeout 5000 | Should -Be 'two'
    }

    It '-Delimiter receives up to the delimiter and consumes it' {
        $pair = New-SocketPair -Payload 'alpha;beta;'
        Receive-SocketData -Session $pair.Client -Delimiter ';' -Timeout 5000 | Should -Be 'alpha'
        Receive-SocketData -Session $pair.Client -Delimiter ';' -Timeout 5000 | Should -Be 'beta'
    }

    It '-ToEnd receives until the peer closes' {
        $pair = New-SocketPair -Payload "all`nof it" -CloseServer
        Receive-SocketData -Session $pair.Client -ToEnd -Timeout 5000 | Should -Be "all`nof it"
        $pair.Client.RemoteClosed | Should -BeTrue
    }

    It 'with no mode receives what has arrived, and nothing once the peer has closed' {
        $pair = New-SocketPair -Payload 'whatever arrived'
        Receive-SocketData -Session $pair.Client -Timeout 5000 | Should -Be 'whatever arrived'
        $pair.Server | Close-Socket
        Receive-SocketData -Session $pair.Client -Timeout 5000 | Should -BeNullOrEmpty
    }

    It 'returns nothing at the end of the stream' {
        $pair = New-SocketPair -CloseServer
        Receive-SocketData -Session $pair.Client -Line -Timeout 5000 | Should -BeNullOrEmpty
    }

    It 'takes the session from the pipeline' {
        $pair = New-SocketPair -Payload "piped`n"
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'piped'
    }
}
