# Pester 5 tests: the servers under abuse (issue 10): silent clients do not starve a -ScriptBlock server, its
# queue is bounded, closing a server's listener returns at once, a stalled TLS client holds up no one in
# Wait-SocketConnection, and Test-SocketPort -Expect is bounded by -Timeout.
# The xunit suite (tests/PSSocket.Tests/Servers, Tls, HealthCheck) covers the engine side with the fault proxy.

BeforeAll {
    $manifest = if ($env:PSSOCKET_MODULE_PATH) { $env:PSSOCKET_MODULE_PATH } else { "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" }
    Import-Module $manifest -Force

    function Wait-Until([scriptblock] $Condition, [int] $Timeout = 10000) {
        $deadline = [DateTime]::UtcNow.AddMilliseconds($Timeout)
        while (-not (& $Condition) -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 20
        }
        & $Condition | Should -BeTrue
    }
}

AfterAll {
    Get-Socket | Close-Socket
    Get-Job | Where-Object PSJobTypeName -EQ 'SocketListenerJob' | Remove-Job -Force
}

Describe 'Start-SocketListener -ScriptBlock under silent clients' {
    It 'serves clients that send a line while 12 silent connections are open' {
        $l = Start-SocketListener -ScriptBlock { param($s) $x = $s | Receive-SocketData -Line -Timeout 20000; $s | Send-SocketData "line:$x" -Line }
        $silent = 1..12 | ForEach-Object { Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000 }
        Wait-Until { $l.Server.Active -eq 12 }

        $ready = 1..4 | ForEach-Object { Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000 }
        $ready | Send-SocketData 'hello' -Line
        $replies = $ready | Receive-SocketData -Line -Timeout 8000
        $replies | Should -Be @('line:hello', 'line:hello', 'line:hello', 'line:hello')
        $l.Server.AwaitingData | Should -BeGreaterThan 0

        $silent + $ready | Close-Socket
        $l | Close-Socket
    }

    It 'closes a client with data past -QueueLimit unserved and counts it in QueueRefused' {
        $l = Start-SocketListener -ThrottleLimit 1 -QueueLimit 1 -ScriptBlock {
            param($s)
            $s | Send-SocketData 'started' -Line
            $x = $s | Receive-SocketData -Line -Timeout 20000
            $s | Send-SocketData "line:$x" -Line
        }
        $first = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000
        $first | Receive-SocketData -Line -Timeout 10000 | Should -Be 'started'

        $queued = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000
        $queued | Send-SocketData 'two' -Line
        Wait-Until { $l.Server.Queued -eq 1 -and $l.Server.AwaitingData -eq 0 }

        $refused = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000
        $refused | Send-SocketData 'three' -Line
        $refused | Receive-SocketData -ToEnd -Timeout 10000 | Should -BeNullOrEmpty
        $l.Server.QueueRefused | Should -Be 1

        $first | Send-SocketData 'one' -Line
        $first | Receive-SocketData -Line -Timeout 10000 | Should -Be 'line:one'
        $queued | Receive-SocketData -ToEnd -Timeout 10000 | Should -Be "started`nline:two`n"
        $first, $queued, $refused | Close-Socket
        $l | Close-Socket
    }
}

Describe 'Close-Socket of a server''s listener' {
    It 'returns at once while a handler is stuck, and the job records how the server ended' {
        $l = Start-SocketListener -ScriptBlock { param($s) $s | Send-SocketData 'go' -Line; [System.Threading.Thread]::Sleep(15000) }
        $c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000
        $c | Receive-SocketData -Line -Timeout 10000 | Should -Be 'go'

        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $l | Close-Socket
        $watch.ElapsedMilliseconds | Should -BeLessThan 3000

        $l.Job | Wait-Job -Timeout 20 | Out-Null
        $l.Job.State | Should -Be 'Completed'
        $null = $l.Job | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable jobErrors
        $jobErrors.FullyQualifiedErrorId | Where-Object { $_ -like 'HandlerTimedOut*' } | Should -Not -BeNullOrEmpty
        $c | Close-Socket
    }
}

Describe 'Wait-SocketConnection on a TLS listener' {
    BeforeAll {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=localhost', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $made = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(7))
        $certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($made.Export('Pfx'), $null)
    }

    It 'returns a good client while an earlier one stalls in its handshake' {
        $l = Start-SocketListener -Certificate $certificate
        $stalled = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
        $stalled.Connect('127.0.0.1', $l.LocalEndPoint.Port)
        $null = $stalled.Send([byte[]](0x16, 0x03, 0x01, 0x00, 0xF0))
        $good = Start-ThreadJob -ArgumentList $manifest, $l.LocalEndPoint.Port {
            param($manifest, $port)
            Import-Module $manifest
            Start-Sleep -Milliseconds 200
            $c = Connect-Socket localhost $port -UseTls -SkipCertificateCheck -AddressFamily IPv4 -Timeout 10000
            $c | Receive-SocketData -ToEnd -Timeout 10000
            $c | Close-Socket
        }

        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $accepted = $l | Wait-SocketConnection -Timeout 5000
        $watch.ElapsedMilliseconds | Should -BeLessThan 4000
        $accepted.Tls | Should -Not -BeNullOrEmpty
        $accepted | Send-SocketData 'welcome'
        $accepted | Close-Socket
        $good | Wait-Job -Timeout 15 | Receive-Job | Should -Be 'welcome'
        $good | Remove-Job -Force
        $stalled.Dispose()
        $l | Close-Socket
    }

    It 'is bounded by -Timeout while a handshake stalls' {
        $l = Start-SocketListener -Certificate $certificate
        $stalled = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
        $stalled.Connect('127.0.0.1', $l.LocalEndPoint.Port)
        $null = $stalled.Send([byte[]](0x16, 0x03, 0x01, 0x00, 0xF0))
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        { $l | Wait-SocketConnection -Timeout 500 -ErrorAction Stop } | Should -Throw -ErrorId 'AcceptTimedOut,PSSocket.Commands.WaitSocketConnectionCommand'
        $watch.ElapsedMilliseconds | Should -BeLessThan 3000
        $stalled.Dispose()
        $l | Close-Socket
    }
}

Describe 'Test-SocketPort -Expect' {
    It 'stops a pattern that backtracks without end at -Timeout, with ExpectMatchTimedOut' {
        $l = Start-SocketListener -Greeting (('a' * 28) + '!')
        $result = Test-SocketPort 127.0.0.1 $l.LocalEndPoint.Port -Expect '^(a+)+$' -Timeout 1000
        $result.Status | Should -Be 'UnexpectedResponse'
        $result.ErrorId | Should -Be 'ExpectMatchTimedOut'
        $l | Close-Socket
    }
}
