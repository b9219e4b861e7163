# Pester 5 tests: the engine under abuse (issue 10): no property waits, resets, partial timeouts, record limits,
# STARTTLS's unread-byte guard, TLS alerts, polling receives and Unix listener cleanup.

BeforeAll {
    $manifest = if ($env:PSSOCKET_MODULE_PATH) { $env:PSSOCKET_MODULE_PATH } else { "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" }
    Import-Module $manifest -Force

    # A connected client and server (both sessions); the listener is closed.
    function New-SocketPair {
        $listener = Start-SocketListener
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $listener | Close-Socket
        [pscustomobject]@{ Client = $client; Server = $server }
    }

    # Waits until a condition holds, for at most 5 s.
    function Wait-Until([scriptblock] $Condition) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition) -and $watch.ElapsedMilliseconds -lt 5000) { Start-Sleep -Milliseconds 20 }
    }
}

AfterAll {
    Get-Socket | Close-Socket
}

Describe 'Session properties while a receive waits' {
    It 'BytesBuffered of an echo server''s connection answers at once' {
        $listener = Start-SocketListener -Echo
        try {
            $c = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
            $c | Send-SocketData hi -Line
            $c | Receive-SocketData -Line -Timeout 5000 | Should -Be 'hi'
            $elapsed = Measure-Command { $null = (Get-Socket -Role Accepted).BytesBuffered, (Get-Socket -Role Accepted).State }
            $elapsed.TotalMilliseconds | Should -BeLessThan 2000
        }
        finally {
            $c, $listener | Close-Socket
        }
    }
}

Describe 'A peer that resets the connection' {
    It 'makes every later call say ConnectionReset and keeps the bytes received before' {
        $pair = New-SocketPair
        $pair.Server | Send-SocketData partial
        Wait-Until { $pair.Client.Socket.Available -ge 7 }
        $pair.Server.Socket.LingerState = [Net.Sockets.LingerOption]::new($true, 0)
        $pair.Server.Socket.Close()

        { $pair.Client | Receive-SocketData -Count 100 -Timeout 5000 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionReset,*'
        $pair.Client.State | Should -Be 'Reset'
        $pair.Client.RemoteClosed | Should -BeTrue
        { $pair.Client | Send-SocketData more -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionReset,*'
        $pair.Client | Receive-SocketData -Count 7 -Timeout 1000 | Should -Be 'partial'
        { $pair.Client | Receive-SocketData -Timeout 1000 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionReset,*'
        $pair.Client, $pair.Server | Close-Socket
    }
}

Describe 'A receive that times out with some bytes' {
    It 'says how many arrived and keeps them' {
        $pair = New-SocketPair
        $pair.Server | Send-SocketData partial
        $err = $null
        $pair.Client | Receive-SocketData -Count 100 -Timeout 500 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ReceiveTimedOut,*'
        $err[0].Exception.Message | Should -BeLike '7 bytes arrived*not the 100 bytes asked for*'
        $pair.Client.BytesBuffered | Should -Be 7
        $pair.Client | Receive-SocketData -Line -Timeout 300 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception.Message | Should -BeLike '7 bytes arrived*line end*'
        $pair.Client, $pair.Server | Close-Socket
    }
}

Describe 'Record and -ToEnd limits' {
    It 'a line longer than -MaxLength is RecordTooLong and loses no byte' {
        $pair = New-SocketPair
        $pair.Server | Send-SocketData ('x' * 5000)
        Wait-Until { $pair.Client.Socket.Available -ge 5000 }
        { $pair.Client | Receive-SocketData -Line -MaxLength 1000 -Timeout 2000 -ErrorAction Stop } | Should -Throw -ErrorId 'RecordTooLong,*'
        $pair.Server | Send-SocketData end -Line
        ($pair.Client | Receive-SocketData -Line -MaxLength 10000 -Timeout 2000).Length | Should -Be 5003
        $pair.Client, $pair.Server | Close-Socket
    }

    It 'the session''s MaxRecordLength is the default limit and starts at 1 MiB' {
        $pair = New-SocketPair
        $pair.Client.MaxRecordLength | Should -Be 1MB
        $pair.Client.MaxToEndLength | Should -Be 64MB
        $pair.Client.MaxRecordLength = 10
        $pair.Server | Send-SocketData '0123456789A;'
        { $pair.Client | Receive-SocketData -Delimiter ';' -Timeout 2000 -ErrorAction Stop } | Should -Throw -ErrorId 'RecordTooLong,*'
        $pair.Client | Receive-SocketData -Count 12 -Timeout 1000 | Should -Be '0123456789A;'
        $pair.Client, $pair.Server | Close-Socket
    }

    It '-ToEnd past its limit is ReceiveBufferLimit, and -OutFile then takes every byte' {
        $pair = New-SocketPair
        $pair.Server | Send-SocketData ('y' * 100000)
        $pair.Server | Close-Socket
        { $pair.Client | Receive-SocketData -ToEnd -MaxLength 1000 -Timeout 2000 -ErrorAction Stop } | Should -Throw -ErrorId 'ReceiveBufferLimit,*'
        $file = Join-Path ([IO.Path]::GetTempPath()) "pssocket-toend-$PID.bin"
        try {
            ($pair.Client | Receive-SocketData -ToEnd -OutFile $file -PassThru -Timeout 2000).Length | Should -Be 100000
        }
        finally {
            Remove-Item $file -ErrorAction SilentlyContinue
            $pair.Client | Close-Socket
        }
    }

    It '-MaxLength with another mode is ConflictingParameters' {
        $pair = New-SocketPair
        { $pair.Client | Receive-SocketData -Count 1 -MaxLength 10 -ErrorAction Stop } | Should -Throw -ErrorId 'ConflictingParameters,*'
        $pair.Client, $pair.Server | Close-Socket
    }
}

Describe 'Receive-SocketData -Timeout 0' {
    It 'polls: nothing and no error when nothing is there, a whole line once it is' {
        $pair = New-SocketPair
        $pair.Client | Receive-SocketData -Line -Timeout 0 -ErrorAction Stop | Should -BeNullOrEmpty
        $pair.Server | Send-SocketData 'part'
        Start-Sleep -Milliseconds 100
        $pair.Client | Receive-SocketData -Line -Timeout 0 -ErrorAction Stop | Should -BeNullOrEmpty
        $pair.Server | Send-SocketData 'ial' -Line
        $line = $null
        Wait-Until { ($script:line = $pair.Client | Receive-SocketData -Line -Timeout 0 -ErrorAction Stop) }
        $script:line | Should -Be 'partial'
        $pair.Client, $pair.Server | Close-Socket
    }
}

Describe 'Start-SocketTls and plaintext still in the kernel' {
    It 'refuses with TlsUnreadPlaintext while bytes wait in the kernel, and -DiscardUnreadData drops them' {
        $pair = New-SocketPair
        $pair.Server | Send-SocketData '250 INJECTED' -Line
        Wait-Until { $pair.Client.Socket.Available -ge 13 }
        $pair.Client.BytesBuffered | Should -Be 0
        { $pair.Client | Start-SocketTls -SkipCertificateCheck -Timeout 2000 -ErrorAction Stop } | Should -Throw -ErrorId 'TlsUnreadPlaintext,*'
        $pair.Client.State | Should -Be 'Connected'
        $pair.Client | Receive-SocketData -Line -Timeout 1000 | Should -Be '250 INJECTED'
        $pair.Client, $pair.Server | Close-Socket
    }
}

Describe 'TLS alerts' -Skip:(-not (Get-Command openssl -ErrorAction SilentlyContinue) -and $env:CI -ne 'true') {
    BeforeAll {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "pssocket-tls-$PID"
        $null = New-Item -ItemType Directory -Path $dir -Force
        & openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>$null
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        # s_server stops at the end of its standard input: keep it open.
        $start = [Diagnostics.ProcessStartInfo]::new('openssl')
        foreach ($a in 's_server', '-accept', "127.0.0.1:$port", '-cert', "$dir/cert.pem", '-key', "$dir/key.pem", '-naccept', '1', '-Verify', '1', '-tls1_3') {
            $start.ArgumentList.Add($a)
        }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $server = [Diagnostics.Process]::Start($start)
        # s_server prints ACCEPT once it listens; the lines before it (temp DH parameters) come earlier.
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        do {
            $line = $server.StandardOutput.ReadLineAsync()
            if (-not $line.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds))) { break }
        } until ($line.Result -eq 'ACCEPT' -or $null -eq $line.Result)
    }

    AfterAll {
        if (-not $server.HasExited) { Stop-Process -Id $server.Id -ErrorAction SilentlyContinue }
        $server.Dispose()
        Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'a "certificate required" alert after a TLS 1.3 handshake is TlsClientCertificateRequired and closes the session' {
        $s = Connect-Socket 127.0.0.1 $port -UseTls -SkipCertificateCheck -Timeout 10000
        $err = $null
        $s | Receive-SocketData -Timeout 10000 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TlsClientCertificateRequired,*'
        $err[0].Exception.Message | Should -BeLike '*certificate required*'
        $err[0].Exception.Message | Should -Not -BeLike '*..*'
        $s.State | Should -Be 'Closed'
    }
}

Describe 'Closing a Unix listener' -Skip:($IsWindows) {
    It 'removes its own socket file but never a regular file that took its place' {
        $path = "/tmp/pss-pester-$PID-$(Get-Random).sock"
        try {
            $l = Start-SocketListener -Path $path
            Remove-Item $path
            Set-Content -Path $path -Value 'keep me'
            $l | Close-Socket
            Get-Content $path | Should -Be 'keep me'
            Remove-Item $path

            $l = Start-SocketListener -Path $path
            $l | Close-Socket
            Test-Path $path | Should -BeFalse
        }
        finally {
            Remove-Item $path -ErrorAction SilentlyContinue
        }
    }
}
