# Pester 5 tests: each framing of Receive-SocketData, and the bytes a call leaves buffered for the next one.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Receive-SocketData' {
    AfterEach {
        Get-Socket | Close-Socket
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

Describe 'Receive-SocketData with data arriving in pieces' {
    # A raw .NET peer writes each piece after a pause, from a runspace of its own, while the test receives.
    BeforeAll {
        $peer = Start-RawPeer
    }

    BeforeEach {
        $client = Connect-Socket 127.0.0.1 $peer.LocalEndpoint.Port -Timeout 5000
        $raw = Get-RawConnection $peer
        $writer = $null
    }

    AfterEach {
        Stop-PieceWriter $writer
        $raw.Dispose()
        Get-Socket | Close-Socket
    }

    AfterAll {
        $peer.Stop()
    }

    It '-Count waits for every piece of the count' {
        $writer = Start-PieceWriter $raw 'HE', 'LL', 'O wor', 'ld!'
        $client | Receive-SocketData -Count 11 -Timeout 5000 | Should -Be 'HELLO world'
        $client | Receive-SocketData -Count 1 -Timeout 5000 | Should -Be '!'
    }

    It '-Line joins a line split over pieces, CR and LF apart' {
        $writer = Start-PieceWriter $raw 'ab', "c`r", "`nde", "f`n"
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'abc'
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'def'
        $client.BytesBuffered | Should -Be 0
    }

    It '-Delimiter finds a delimiter split over pieces' {
        $writer = Start-PieceWriter $raw 'first<E', 'N', 'D>second<', 'END>'
        $client | Receive-SocketData -Delimiter '<END>' -Timeout 5000 | Should -Be 'first'
        $client | Receive-SocketData -Delimiter '<END>' -Timeout 5000 | Should -Be 'second'
    }

    It '-ToEnd gathers every piece until the peer closes' {
        $writer = Start-PieceWriter $raw 'one ', 'two ', 'three' -CloseAfter
        $client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be 'one two three'
        $client.RemoteClosed | Should -BeTrue
        $client.BytesReceived | Should -Be 13
    }

    It 'with no mode returns what has arrived, and the rest on later calls, in order' {
        $writer = Start-PieceWriter $raw 'alpha', 'beta', 'gamma' -CloseAfter
        $parts = [System.Collections.Generic.List[string]]::new()
        for ($i = 0; $i -lt 20; $i++) {
            $got = $client | Receive-SocketData -Timeout 5000
            if ($null -eq $got) { break }
            $parts.Add($got)
        }
        $parts.Count | Should -BeGreaterOrEqual 1
        -join $parts | Should -Be 'alphabetagamma'
    }

    It 'decodes a UTF-8 character split over two pieces' {
        $euro = [byte[]] (0xE2, 0x82, 0xAC)
        $writer = Start-PieceWriter $raw ([byte[]] (0x41, 0xE2)), ([byte[]] (0x82, 0xAC, 0x0A)) -CloseAfter
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be "A$([System.Text.Encoding]::UTF8.GetString($euro))"
    }

    It 'the default -Stream returns the pieces as they come, and their text is whole' {
        $writer = Start-PieceWriter $raw 'ab', 'é', 'cd', ([byte[]] (0xE2, 0x82)), ([byte[]] (0xAC)) -CloseAfter
        $parts = @($client | Receive-SocketData -Stream -Timeout 5000)
        $parts.Count | Should -BeGreaterOrEqual 1
        -join $parts | Should -Be 'abécd€'
    }

    It '-Line -Stream writes each line as it is complete, until the peer closes' {
        $writer = Start-PieceWriter $raw "l1`nl", "2`n", "l3`nl4" -CloseAfter
        $client | Receive-SocketData -Line -Stream -Timeout 5000 | Should -Be 'l1', 'l2', 'l3', 'l4'
    }

    It '-Count -Stream writes records of that size, and EndOfStream for a short last one' {
        $writer = Start-PieceWriter $raw '12', '3456', '78' -CloseAfter
        $records = $client | Receive-SocketData -Count 3 -Stream -Timeout 5000 -ErrorAction SilentlyContinue -ErrorVariable failures
        $records | Should -Be '123', '456'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'EndOfStream,PSSocket.Commands.ReceiveSocketDataCommand'
        $client.BytesBuffered | Should -Be 2
    }

    It '-Delimiter -Stream writes each record' {
        $writer = Start-PieceWriter $raw 'a,b', ',c', ',' -CloseAfter
        $client | Receive-SocketData -Delimiter ',' -Stream -Timeout 5000 | Should -Be 'a', 'b', 'c'
    }

    It '-Stream -MaxCount stops after that many records and leaves the rest buffered' {
        $writer = Start-PieceWriter $raw "r1`nr2`n", "r3`n"
        $client | Receive-SocketData -Line -Stream -MaxCount 2 -Timeout 5000 | Should -Be 'r1', 'r2'
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'r3'
    }

    It '-Stream ends without an error when no record comes for -Timeout' {
        $writer = Start-PieceWriter $raw "x`n"
        $records = $client | Receive-SocketData -Line -Stream -Timeout 500 -ErrorAction Stop
        $records | Should -Be 'x'
        $client.State | Should -Be 'Connected'
    }

    It '-Duration writes the lines that arrive within the window and ends quietly' {
        $writer = Start-PieceWriter $raw "w1`n", "w2`n"
        $lines = $client | Receive-SocketData -Line -Duration 2000 -ErrorAction Stop
        $lines | Should -Be 'w1', 'w2'
        $client.State | Should -Be 'Connected'
    }

    It 'carries 1 MiB of random bytes byte for byte in pieces' {
        $bytes = New-RandomBytes (1MB) -Seed 3
        $pieces = for ($o = 0; $o -lt $bytes.Length; $o += 256KB) {
            $piece = [byte[]]::new(256KB)
            [Array]::Copy($bytes, $o, $piece, 0, 256KB)
            , $piece
        }
        $writer = Start-PieceWriter $raw $pieces -DelayMs 10
        $got = $client | Receive-SocketData -Count $bytes.Length -AsByteArray -Timeout 10000
        $got -is [byte[]] | Should -BeTrue
        Test-BytesEqual $bytes $got | Should -BeTrue
    }
}

Describe 'The buffering guarantee' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'a mix of modes takes every byte once, in order' {
        $pair = New-SocketPair -Payload "head`r`nkey=value;0123456789tail" -CloseServer
        $c = $pair.Client
        $c | Receive-SocketData -Line -Timeout 5000 | Should -Be 'head'
        $c | Receive-SocketData -Delimiter '=' -Timeout 5000 | Should -Be 'key'
        $c | Receive-SocketData -Delimiter ';' -Timeout 5000 | Should -Be 'value'
        $c | Receive-SocketData -Count 10 -Timeout 5000 | Should -Be '0123456789'
        $c | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be 'tail'
        $c | Receive-SocketData -Timeout 5000 | Should -BeNullOrEmpty
        $c.BytesReceived | Should -Be 30
    }

    It 'shows what a line left behind in BytesBuffered' {
        $pair = New-SocketPair -Payload "one`ntwo three"
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'one'
        $pair.Client.BytesBuffered | Should -Be 9
        $pair.Client | Receive-SocketData -Timeout 5000 | Should -Be 'two three'
        $pair.Client.BytesBuffered | Should -Be 0
    }

    It 'a timed-out -Line keeps the partial line for the next call' {
        $pair = New-SocketPair -Payload 'partial'
        { $pair.Client | Receive-SocketData -Line -Timeout 300 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReceiveTimedOut,PSSocket.Commands.ReceiveSocketDataCommand'
        $pair.Server | Send-SocketData ' line' -Line
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'partial line'
    }

    It 'a timed-out -Count keeps the bytes it got' {
        $pair = New-SocketPair -Payload 'abc'
        { $pair.Client | Receive-SocketData -Count 6 -Timeout 300 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReceiveTimedOut,PSSocket.Commands.ReceiveSocketDataCommand'
        $pair.Server | Send-SocketData 'def'
        $pair.Client | Receive-SocketData -Count 6 -Timeout 5000 | Should -Be 'abcdef'
    }

    It '-Line returns an empty line as an empty string' {
        $pair = New-SocketPair -Payload "`nafter`n"
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -BeExactly ''
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'after'
    }

    It '-Line at the end of the stream returns the last unterminated line, then nothing' {
        $pair = New-SocketPair -Payload "a`nlast" -CloseServer
        $lines = [System.Collections.Generic.List[string]]::new()
        while ($null -ne ($line = $pair.Client | Receive-SocketData -Line -Timeout 5000)) {
            $lines.Add($line)
            if ($lines.Count -gt 10) { break }
        }
        $lines | Should -Be 'a', 'last'
    }

    It '-Delimiter at the end of the stream returns what is left' {
        $pair = New-SocketPair -Payload 'x;rest' -CloseServer
        $pair.Client | Receive-SocketData -Delimiter ';' -Timeout 5000 | Should -Be 'x'
        $pair.Client | Receive-SocketData -Delimiter ';' -Timeout 5000 | Should -Be 'rest'
        $pair.Client | Receive-SocketData -Delimiter ';' -Timeout 5000 | Should -BeNullOrEmpty
    }

    It '-Line -AsByteArray returns the line bytes without the line end' {
        $pair = New-SocketPair -Payload "AB`r`n"
        $bytes = $pair.Client | Receive-SocketData -Line -AsByteArray -Timeout 5000
        $bytes -is [byte[]] | Should -BeTrue
        [Convert]::ToHexString($bytes) | Should -Be '4142'
    }

    It '-Encoding decodes with the encoding named for the call' {
        $pair = New-SocketPair
        $pair.Server | Send-SocketData ([byte[]] (0x63, 0x61, 0x66, 0xE9))
        $pair.Client | Receive-SocketData -Count 4 -Encoding latin1 -Timeout 5000 | Should -Be 'café'
    }

    It 'a session made with -Encoding unicode sends and receives UTF-16' {
        $pair = New-SocketPair -Encoding unicode
        $pair.Client | Send-SocketData 'hi' -Line
        $pair.Server | Receive-SocketData -Count 6 -AsByteArray -Timeout 5000 | ForEach-Object { [Convert]::ToHexString($_) } | Should -Be '680069000A00'
        $pair.Server | Send-SocketData 'ok'
        $pair.Client | Receive-SocketData -Count 4 -Timeout 5000 | Should -Be 'ok'
    }
}
