# Pester 5 tests: Test-SocketPort. Open, refused, timed-out and unresolved ports, lists and ranges, pipeline
# input by property name, -Quiet, probes with -Send/-Expect, TLS facts, and results that survive serialization.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    # A port on which nothing listens: one the system gave a listener that is closed again.
    function Get-ClosedPort {
        $l = Start-SocketListener
        $port = $l.LocalEndPoint.Port
        $l | Close-Socket
        $port
    }

    function ConvertTo-Serialized($InputObject) {
        [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($InputObject))
    }
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Test-SocketPort' {
    BeforeAll {
        $open = Start-SocketListener
        $openPort = $open.LocalEndPoint.Port
        $closedPort = Get-ClosedPort
    }

    AfterAll {
        Clear-TestSessions
    }

    It 'says Open for a listening port, with the address tried and the latency' {
        $r = Test-SocketPort 127.0.0.1 $openPort
        $r | Should -BeOfType PSSocket.HealthChecks.PortCheckResult
        $r.Status | Should -Be 'Open'
        $r.Success | Should -BeTrue
        $r.ComputerName | Should -Be '127.0.0.1'
        $r.RemoteAddress.ToString() | Should -Be '127.0.0.1'
        $r.Port | Should -Be $openPort
        $r.LatencyMs | Should -BeGreaterOrEqual 0
        $r.ErrorId | Should -BeNullOrEmpty
    }

    It 'says Refused for a closed port, with the error id' {
        $r = Test-SocketPort 127.0.0.1 $closedPort
        $r.Status | Should -Be 'Refused'
        $r.Success | Should -BeFalse
        $r.ErrorId | Should -Be 'ConnectionRefused'
        $r.SocketError | Should -Be 'ConnectionRefused'
    }

    It 'says NameNotResolved for a name that does not resolve, without an error record' {
        $r = Test-SocketPort 'no-such-host.invalid' 80 -Timeout 5000 -ErrorAction Stop
        $r.Status | Should -Be 'NameNotResolved'
        $r.ErrorId | Should -Be 'NameNotResolved'
    }

    It 'says TimedOut for a port that does not answer in time' {
        $busy = Start-SocketListener -Backlog 1
        $fillers = 1..4 | ForEach-Object {
            $s = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
            $null = $s.ConnectAsync('127.0.0.1', $busy.LocalEndPoint.Port)
            $s
        }
        try {
            Start-Sleep -Milliseconds 200
            $r = Test-SocketPort 127.0.0.1 $busy.LocalEndPoint.Port -Timeout 300
            $r.Status | Should -Be 'TimedOut'
            $r.ErrorId | Should -Be 'ConnectTimedOut'
        }
        finally {
            $fillers | ForEach-Object Dispose
            $busy | Close-Socket
        }
    }

    It 'gives one result per host and port' {
        $results = Test-SocketPort 127.0.0.1, localhost $openPort, $closedPort
        $results | Should -HaveCount 4
        ($results | Where-Object Status -EQ 'Open').Port | Should -Be $openPort, $openPort
        ($results | Where-Object Status -EQ 'Refused').Port | Should -Be $closedPort, $closedPort
    }

    It 'takes ports as a list string' {
        $results = Test-SocketPort 127.0.0.1 "$openPort,$closedPort"
        ($results | Sort-Object Port | ForEach-Object { "$($_.Port)=$($_.Status)" }) |
            Should -Be (@("$openPort=Open", "$closedPort=Refused") | Sort-Object { [int] ($_ -split '=')[0] })
    }

    It 'takes a port range' {
        $results = Test-SocketPort 127.0.0.1 "$openPort-$($openPort + 2)"
        $results | Should -HaveCount 3
        $results.Port | Sort-Object | Should -Be $openPort, ($openPort + 1), ($openPort + 2)
        ($results | Where-Object Port -EQ $openPort).Status | Should -Be 'Open'
    }

    It 'binds ComputerName and Port by property name from the pipeline' {
        $targets = @(
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $openPort }
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $closedPort }
        )
        $results = $targets | Test-SocketPort
        $results.Status | Should -Be 'Open', 'Refused'
    }

    It 'takes names from the pipeline' {
        ('127.0.0.1', 'localhost' | Test-SocketPort -Port $openPort).Status | Should -Be 'Open', 'Open'
    }

    It 'checks over IPv6' {
        $six = Start-SocketListener -AddressFamily IPv6
        (Test-SocketPort ::1 $six.LocalEndPoint.Port).Status | Should -Be 'Open'
        (Test-SocketPort ::1 $openPort).Status | Should -Be 'Refused'
        $six | Close-Socket
    }

    It 'leaves no session behind' {
        $before = @(Get-Socket).Count
        $null = Test-SocketPort 127.0.0.1 $openPort, $closedPort
        @(Get-Socket).Count | Should -Be $before
    }

    It 'checks many ports at once, at most -ThrottleLimit at a time' {
        $ports = @(1..20 | ForEach-Object { Get-ClosedPort } | Select-Object -Unique) + $openPort
        $results = Test-SocketPort 127.0.0.1 $ports -ThrottleLimit 4 -Timeout 5000
        $results | Should -HaveCount $ports.Count
        ($results | Where-Object Port -EQ $openPort).Status | Should -Be 'Open'
        $results.Status | Should -BeIn 'Open', 'Refused'
        @($results | Where-Object Status -EQ 'Refused').Count | Should -BeGreaterThan 0
    }
}

Describe 'Test-SocketPort -Quiet' {
    BeforeAll {
        $open = Start-SocketListener
        $openPort = $open.LocalEndPoint.Port
        $closedPort = Get-ClosedPort
    }

    AfterAll {
        Clear-TestSessions
    }

    It 'writes $true for an open port' {
        $result = Test-SocketPort 127.0.0.1 $openPort -Quiet
        $result | Should -BeOfType [bool]
        $result | Should -BeTrue
    }

    It 'writes $false for a closed port' {
        Test-SocketPort 127.0.0.1 $closedPort -Quiet | Should -BeFalse
    }

    It 'writes one Boolean per target' {
        $results = Test-SocketPort 127.0.0.1, localhost $openPort -Quiet
        $results | Should -HaveCount 2
        $results | Should -Be $true, $true
    }

    It 'is false when any port of a target is closed' {
        Test-SocketPort 127.0.0.1 $openPort, $closedPort -Quiet | Should -BeFalse
    }
}

Describe 'Test-SocketPort probes and TLS' {
    BeforeAll {
        $certs = New-TestCertificateSet
        $pong = Start-SocketListener -Greeting "+PONG`r`n" -KeepOpen
        $tls = Start-SocketListener -Echo -Certificate $certs.Server
    }

    AfterAll {
        Clear-TestSessions
    }

    It 'passes a probe whose answer matches -Expect, and keeps the answer' {
        $r = Test-SocketPort 127.0.0.1 $pong.LocalEndPoint.Port -Send "PING`r`n" -Expect '^\+PONG' -Timeout 5000
        $r.Status | Should -Be 'Open'
        $r.Success | Should -BeTrue
        $r.Response | Should -BeLike '+PONG*'
    }

    It 'says UnexpectedResponse when the answer does not match' {
        # A reply that does not match is waited on until the timeout, in case more comes.
        $r = Test-SocketPort 127.0.0.1 $pong.LocalEndPoint.Port -Expect '^-ERR' -Timeout 1000
        $r.Status | Should -Be 'UnexpectedResponse'
        $r.Success | Should -BeFalse
        $r.ErrorId | Should -Be 'UnexpectedResponse'
    }

    It '-Quiet with a probe is the probe''s verdict' {
        Test-SocketPort 127.0.0.1 $pong.LocalEndPoint.Port -Expect '^\+PONG' -Quiet -Timeout 5000 | Should -BeTrue
        Test-SocketPort 127.0.0.1 $pong.LocalEndPoint.Port -Expect '^nope' -Quiet -Timeout 1000 | Should -BeFalse
    }

    It '-Send a probe to an echo server and -Expect it back' {
        $echo = Start-SocketListener -Echo
        (Test-SocketPort 127.0.0.1 $echo.LocalEndPoint.Port -Send 'marco' -Expect 'marco' -Timeout 5000).Status | Should -Be 'Open'
        $echo | Close-Socket
    }

    It '-UseTls adds the protocol and the certificate facts' {
        $r = Test-SocketPort localhost $tls.LocalEndPoint.Port -UseTls -TrustedCertificate $certs.CA -Timeout 5000
        $r.Status | Should -Be 'Open'
        $r.TlsProtocol | Should -BeIn 'Tls12', 'Tls13'
        $r.CertificateSubject | Should -Be 'CN=localhost'
        $r.CertificateIssuer | Should -Be 'CN=PSSocket Pester CA'
        $r.CertificateThumbprint | Should -Be $certs.Server.Thumbprint
        $r.CertificateChainValid | Should -BeTrue
        $r.CertificateNameMatches | Should -BeTrue
        $r.CertificateDaysUntilExpiry | Should -BeIn 88, 89, 90
        $r.CertificateSubjectAlternativeNames | Should -Contain 'localhost'
    }

    It 'says CertificateUntrusted for an untrusted certificate, and still reports its facts' {
        $r = Test-SocketPort localhost $tls.LocalEndPoint.Port -UseTls -Timeout 5000
        $r.Status | Should -Be 'CertificateUntrusted'
        $r.ErrorId | Should -Be 'TlsUntrustedCertificate'
        $r.CertificateChainValid | Should -BeFalse
        $r.CertificateChainStatus | Should -Contain 'PartialChain'
        $r.CertificateSubject | Should -Be 'CN=localhost'
    }

    It '-SkipCertificateCheck is Open with an invalid chain' {
        $r = Test-SocketPort localhost $tls.LocalEndPoint.Port -UseTls -SkipCertificateCheck -Timeout 5000
        $r.Status | Should -Be 'Open'
        $r.CertificateChainValid | Should -BeFalse
    }

    It 'finds an expired certificate' {
        $expired = Start-SocketListener -Echo -Certificate $certs.Expired
        $r = Test-SocketPort localhost $expired.LocalEndPoint.Port -UseTls -TrustedCertificate $certs.CA -Timeout 5000
        $r.Status | Should -Be 'CertificateExpired'
        $r.ErrorId | Should -Be 'TlsCertificateExpired'
        $r.CertificateDaysUntilExpiry | Should -BeLessThan 0
        $expired | Close-Socket
    }

    It 'round-trips a TLS result through PSSerializer with its properties' {
        $r = Test-SocketPort localhost $tls.LocalEndPoint.Port -UseTls -TrustedCertificate $certs.CA -Timeout 5000
        $copy = ConvertTo-Serialized $r
        $copy.PSObject.TypeNames | Should -Contain 'Deserialized.PSSocket.HealthChecks.PortCheckResult'
        $copy.Status | Should -Be 'Open'
        $copy.Success | Should -BeTrue
        $copy.Port | Should -Be $r.Port
        $copy.CertificateThumbprint | Should -Be $certs.Server.Thumbprint
        $copy.CertificateNotAfter | Should -Be $r.CertificateNotAfter
        $copy.CertificateSubjectAlternativeNames | Should -Be $r.CertificateSubjectAlternativeNames
        $copy.TlsProtocol | Should -Be $r.TlsProtocol
    }

    It 'round-trips a failed result through PSSerializer' {
        $r = Test-SocketPort 127.0.0.1 (Get-ClosedPort)
        $copy = ConvertTo-Serialized $r
        $copy.Status | Should -Be 'Refused'
        $copy.ErrorId | Should -Be 'ConnectionRefused'
        $copy.Success | Should -BeFalse
    }

    It 'keeps its results through a thread job' {
        $job = Start-PeerJob { param($port) Test-SocketPort 127.0.0.1 $port } -ArgumentList $pong.LocalEndPoint.Port
        $r = Receive-PeerJob $job
        $r.Status | Should -Be 'Open'
        $r.Port | Should -Be $pong.LocalEndPoint.Port
    }
}
