# Pester 5 tests: TLS clients (Connect-Socket -UseTls), TLS listeners (-Certificate), mutual TLS and STARTTLS
# (Start-SocketTls), with certificates the tests make in memory: a CA, server and client certificates it issued,
# an expired one, one for another name and a self-signed one. No certificate store is read or changed.
# The peer of a handshake runs where it does not block the test: a background server (-Echo), a thread job,
# or openssl.

BeforeDiscovery {
    $noOpenssl = (-not (Get-Command openssl -CommandType Application -ErrorAction SilentlyContinue)) -and $env:CI -ne 'true'
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
    $certs = New-TestCertificateSet
    $caOnly = $certs.CA

    # Waits for a server job's error records (bounded) and returns their ids.
    function Get-JobErrorId($Listener, [int] $Timeout = 5000) {
        $ids = @()
        $deadline = [DateTime]::UtcNow.AddMilliseconds($Timeout)
        while ($ids.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) {
            Receive-Job $Listener.Job -ErrorAction SilentlyContinue -ErrorVariable failures | Out-Null
            $ids = @($failures | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] })
            if ($ids.Count -eq 0) { Start-Sleep -Milliseconds 20 }
        }
        $ids
    }
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'TLS client' {
    BeforeAll {
        $echo = Start-SocketListener -Echo -Certificate $certs.Server
        $port = $echo.LocalEndPoint.Port
    }

    AfterEach {
        Get-Socket | Where-Object Id -NE $echo.Id | Close-Socket
    }

    AfterAll {
        $echo | Close-Socket
    }

    It 'connects with -UseTls to a server whose CA it trusts, and data goes both ways byte for byte' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $bytes = New-RandomBytes 50000 -Seed 21
        $client | Send-SocketData $bytes
        $back = $client | Receive-SocketData -Count $bytes.Length -AsByteArray -Timeout 5000
        Test-BytesEqual $bytes $back | Should -BeTrue
        $client.BytesSent | Should -Be 50000
        $client.BytesReceived | Should -Be 50000
    }

    It 'describes the handshake in the Tls property' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $tls = $client.Tls
        $tls.Protocol | Should -BeIn 'Tls12', 'Tls13'
        $tls.CipherSuite | Should -Not -BeNullOrEmpty
        $tls.ServerName | Should -Be 'localhost'
        $tls.IsServer | Should -BeFalse
        $tls.IsMutuallyAuthenticated | Should -BeFalse
        $tls.Subject | Should -Be 'CN=localhost'
        $tls.Issuer | Should -Be 'CN=PSSocket Pester CA'
        $tls.SubjectAlternativeNames | Should -Contain 'localhost'
        $tls.SubjectAlternativeNames | Should -Contain '127.0.0.1'
        $tls.Thumbprint | Should -Be $certs.Server.Thumbprint
        $tls.ChainValid | Should -BeTrue
        $tls.NameMatches | Should -BeTrue
        $tls.DaysUntilExpiry | Should -BeIn 88, 89, 90
        $tls.CertificateError | Should -BeNullOrEmpty
    }

    It 'keeps the Tls facts through serialization' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($client.Tls))
        $copy.Subject | Should -Be 'CN=localhost'
        $copy.Thumbprint | Should -Be $certs.Server.Thumbprint
        $copy.NotAfter | Should -Be $client.Tls.NotAfter
        $copy.ChainValid | Should -BeTrue
    }

    It 'checks an address against the IP address names of the certificate' {
        $client = Connect-Socket 127.0.0.1 $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $client.Tls.NameMatches | Should -BeTrue
    }

    It 'limits the version with -TlsProtocol' {
        (Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -TlsProtocol Tls12 -Timeout 5000).Tls.Protocol | Should -Be 'Tls12'
    }

    It 'TlsUntrustedCertificate for a CA it does not trust, and no session is left' {
        # The echo server's side of the connection is a session too (Accepted) until it sees the close.
        $before = @(Get-Socket -Role Client).Count
        { Connect-Socket localhost $port -UseTls -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsUntrustedCertificate,PSSocket.Commands.ConnectSocketCommand'
        @(Get-Socket -Role Client).Count | Should -Be $before
    }

    It '-SkipCertificateCheck connects anyway and says what was wrong' {
        $client = Connect-Socket localhost $port -UseTls -SkipCertificateCheck -Timeout 5000
        $client.State | Should -Be 'Connected'
        $client.Tls.ChainValid | Should -BeFalse
        $client.Tls.CertificateError | Should -Be 'TlsUntrustedCertificate'
        $client | Send-SocketData 'still encrypted' -Line
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'still encrypted'
    }

    It 'a half-close over TLS lets the echo server finish, and the client reads to the end' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $client | Send-SocketData "tls half-close`n" -PassThru | Close-Socket -SendOnly
        $client.State | Should -Be 'SendShutdown'
        $client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be "tls half-close`n"
        $client.RemoteClosed | Should -BeTrue
    }

    It 'every receive mode works over TLS' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $client | Send-SocketData "line`r`nrec;1234tail"
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'line'
        $client | Receive-SocketData -Delimiter ';' -Timeout 5000 | Should -Be 'rec'
        $client | Receive-SocketData -Count 4 -Timeout 5000 | Should -Be '1234'
        $client | Close-Socket -SendOnly
        $client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be 'tail'
    }

    It 'Start-SocketTls on a TLS session is TlsAlreadyActive' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        { $client | Start-SocketTls -TrustedCertificate $caOnly -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsAlreadyActive,PSSocket.Commands.StartSocketTlsCommand'
        $client.State | Should -Be 'Connected'
    }

    It 'sends a client certificate from a PFX file with a password' {
        $pfx = Export-TestPfx $certs.Client 'secret'
        $password = ConvertTo-SecureString 'secret' -AsPlainText -Force
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -ClientCertificatePath $pfx -ClientCertificatePassword $password -Timeout 5000
        $client.State | Should -Be 'Connected'
    }
}

Describe 'TLS client errors' {
    AfterEach {
        Clear-TestSessions
    }

    It 'TlsNameMismatch for a certificate issued for another name, and -ServerName names it' {
        $other = Start-SocketListener -Echo -Certificate $certs.OtherName
        { Connect-Socket localhost $other.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsNameMismatch,PSSocket.Commands.ConnectSocketCommand'
        $client = Connect-Socket 127.0.0.1 $other.LocalEndPoint.Port -UseTls -ServerName other.example -TrustedCertificate $caOnly -Timeout 5000
        $client.Tls.ServerName | Should -Be 'other.example'
        $client.Tls.NameMatches | Should -BeTrue
    }

    It 'TlsCertificateExpired for an expired certificate' {
        $expired = Start-SocketListener -Echo -Certificate $certs.Expired
        { Connect-Socket localhost $expired.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsCertificateExpired,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'trusts a pinned self-signed certificate, and nothing else for it' {
        $self = Start-SocketListener -Echo -Certificate $certs.SelfSigned
        $pin = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($certs.SelfSigned.RawData)
        (Connect-Socket localhost $self.LocalEndPoint.Port -UseTls -TrustedCertificate $pin -Timeout 5000).Tls.ChainValid | Should -BeTrue
        { Connect-Socket localhost $self.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsUntrustedCertificate,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'TlsNotSpokenByPeer for a plaintext server' {
        $plain = Start-SocketListener -Greeting "220 plain text`r`n" -KeepOpen
        { Connect-Socket localhost $plain.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsNotSpokenByPeer,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'TlsHandshakeTimedOut for a server that never answers the handshake' {
        $silent = Start-SocketListener
        { Connect-Socket localhost $silent.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 3000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsHandshakeTimedOut,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'TlsHandshakeFailed for a peer that answers with garbage' {
        $echo = Start-SocketListener -Echo
        { Connect-Socket localhost $echo.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsHandshakeFailed,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'CertificateLoadFailed for a PFX with the wrong password' {
        $pfx = Export-TestPfx $certs.Server 'right'
        { Start-SocketListener -CertificatePath $pfx -CertificatePassword (ConvertTo-SecureString 'wrong' -AsPlainText -Force) } |
            Should -Throw -ErrorId 'CertificateLoadFailed,PSSocket.Commands.StartSocketListenerCommand'
        Get-Socket | Should -BeNullOrEmpty
    }

    It 'CertificateFormatUnsupported for a file that is neither PFX nor PEM' {
        $bogus = New-TestPath '.pfx'
        Set-Content -LiteralPath $bogus -Value 'not a certificate'
        { Start-SocketListener -CertificatePath $bogus } |
            Should -Throw -ErrorId 'CertificateFormatUnsupported,PSSocket.Commands.StartSocketListenerCommand'
    }

    It 'CertificateHasNoPrivateKey for a server certificate without its key' {
        { Start-SocketListener -Certificate $certs.ServerNoKey } |
            Should -Throw -ErrorId 'CertificateHasNoPrivateKey,PSSocket.Commands.StartSocketListenerCommand'
    }
}

Describe 'TLS server' {
    AfterEach {
        Clear-TestSessions
    }

    It 'accepts a TLS client: Wait-SocketConnection returns the session after its handshake' {
        $listener = Start-SocketListener -Certificate $certs.Server
        $job = Start-PeerJob {
            param($port, $ca)
            $c = Connect-Socket localhost $port -UseTls -TrustedCertificate $ca -Timeout 10000
            $c | Send-SocketData 'hello over tls' -Line
            $c | Receive-SocketData -Line -Timeout 10000
        } -ArgumentList $listener.LocalEndPoint.Port, $caOnly
        $server = $listener | Wait-SocketConnection -Timeout 10000
        $server.Tls.IsServer | Should -BeTrue
        $server.Tls.Protocol | Should -BeIn 'Tls12', 'Tls13'
        $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'hello over tls'
        $server | Send-SocketData 'reply' -Line
        Receive-PeerJob $job | Should -Be 'reply'
    }

    It 'loads its certificate from a PFX file with -CertificatePath and -CertificatePassword' {
        $pfx = Export-TestPfx $certs.Server 'pw'
        $echo = Start-SocketListener -Echo -CertificatePath $pfx -CertificatePassword (ConvertTo-SecureString 'pw' -AsPlainText -Force)
        $client = Connect-Socket localhost $echo.LocalEndPoint.Port -UseTls -TrustedCertificate $caOnly -Timeout 5000
        $client.Tls.Thumbprint | Should -Be $certs.Server.Thumbprint
        $client | Send-SocketData 'pfx' -Line
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'pfx'
    }

    It 'a TLS echo server on a Unix socket' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $path = New-TestPath '.sock'
        $echo = Start-SocketListener -Echo -Path $path -Certificate $certs.Server
        $client = Connect-Socket -Path $path -UseTls -ServerName localhost -TrustedCertificate $caOnly -Timeout 5000
        $client | Send-SocketData 'unix tls' -Line
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'unix tls'
    }

    It 'serves openssl s_client' -Skip:$noOpenssl {
        $echo = Start-SocketListener -Echo -Certificate $certs.Server
        $ca = Export-TestPem $caOnly
        $openssl = Start-TestProcess openssl @('s_client', '-connect', "127.0.0.1:$($echo.LocalEndPoint.Port)", '-CAfile', $ca.Certificate, '-verify_return_error', '-quiet', '-servername', 'localhost')
        try {
            $openssl.StandardInput.Write("from openssl`n")
            $openssl.StandardInput.Flush()
            $read = $openssl.StandardOutput.ReadLineAsync()
            $read.Wait(10000) | Should -BeTrue
            $read.Result | Should -Be 'from openssl'
        }
        finally {
            Stop-TestProcess $openssl
        }
    }

    It 'connects to openssl s_server and verifies its certificate' -Skip:$noOpenssl {
        $pem = Export-TestPem $certs.Server
        $probe = Start-SocketListener
        $port = $probe.LocalEndPoint.Port
        $probe | Close-Socket
        $openssl = Start-TestProcess openssl @('s_server', '-accept', "127.0.0.1:$port", '-cert', $pem.Certificate, '-key', $pem.Key, '-quiet', '-naccept', '1')
        try {
            $client = $null
            for ($i = 0; $i -lt 50 -and -not $client; $i++) {
                $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction SilentlyContinue
                if (-not $client) { Start-Sleep -Milliseconds 100 }
            }
            $client.Tls.ChainValid | Should -BeTrue
            $client | Send-SocketData 'to s_server' -Line
            $read = $openssl.StandardOutput.ReadLineAsync()
            $read.Wait(10000) | Should -BeTrue
            $read.Result | Should -Be 'to s_server'
            $openssl.StandardInput.Write("from s_server`n")
            $openssl.StandardInput.Flush()
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'from s_server'
        }
        finally {
            Stop-TestProcess $openssl
        }
    }
}

Describe 'Mutual TLS' {
    BeforeAll {
        $mtls = Start-SocketListener -Echo -Certificate $certs.Server -RequireClientCertificate -TrustedCertificate $caOnly
        $port = $mtls.LocalEndPoint.Port
    }

    AfterEach {
        Get-Socket | Where-Object Id -NE $mtls.Id | Close-Socket
    }

    AfterAll {
        $mtls | Close-Socket
        Get-Job | Where-Object PSJobTypeName -EQ 'SocketListenerJob' | Remove-Job -Force
    }

    It 'a client with a certificate the server trusts is served, and both ends authenticated' {
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -ClientCertificate $certs.Client -Timeout 5000
        $client.Tls.IsMutuallyAuthenticated | Should -BeTrue
        $client | Send-SocketData 'mutual' -Line
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'mutual'
    }

    It 'a client without a certificate is refused, and the server job says TlsClientCertificateRequired' {
        $null = Receive-Job $mtls.Job -ErrorAction SilentlyContinue
        $client = Connect-Socket localhost $port -UseTls -TrustedCertificate $caOnly -Timeout 5000 -ErrorAction SilentlyContinue
        if ($client) {
            $client | Send-SocketData 'x' -ErrorAction SilentlyContinue
            $client | Receive-SocketData -Count 1 -Timeout 5000 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        Get-JobErrorId $mtls | Should -Contain 'TlsClientCertificateRequired'
    }

    It 'the server sees the client certificate on an accepted session' {
        $listener = Start-SocketListener -Certificate $certs.Server -RequireClientCertificate -TrustedCertificate $caOnly
        $job = Start-PeerJob {
            param($port, $ca, $cert)
            $c = Connect-Socket localhost $port -UseTls -TrustedCertificate $ca -ClientCertificate $cert -Timeout 10000
            $null = $c | Receive-SocketData -ToEnd -Timeout 10000
        } -ArgumentList $listener.LocalEndPoint.Port, $caOnly, $certs.Client
        $server = $listener | Wait-SocketConnection -Timeout 10000
        $server.Tls.IsMutuallyAuthenticated | Should -BeTrue
        $server.Tls.Subject | Should -Be 'CN=pester-client'
        $server.Tls.ChainValid | Should -BeTrue
        $server | Close-Socket
        Receive-PeerJob $job
    }
}

Describe 'STARTTLS with Start-SocketTls' {
    AfterEach {
        Clear-TestSessions
    }

    It 'upgrades a plaintext session in place on both sides' {
        $listener = Start-SocketListener
        $job = Start-PeerJob {
            param($port, $ca)
            $c = Connect-Socket 127.0.0.1 $port -Timeout 10000
            $null = $c | Receive-SocketData -Line -Timeout 10000          # 220 ready
            $c | Send-SocketData 'STARTTLS' -Line -LineEnding CrLf
            $null = $c | Receive-SocketData -Line -Timeout 10000          # 220 go ahead
            $upgraded = $c | Start-SocketTls -ServerName localhost -TrustedCertificate $ca -PassThru
            $upgraded.Id -eq $c.Id
            $c | Send-SocketData 'secret' -Line
            $c | Receive-SocketData -Line -Timeout 10000
            $c.Tls.ChainValid
        } -ArgumentList $listener.LocalEndPoint.Port, $caOnly
        $server = $listener | Wait-SocketConnection -Timeout 10000
        $server | Send-SocketData '220 ready' -Line -LineEnding CrLf
        $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'STARTTLS'
        $server | Send-SocketData '220 go ahead' -Line -LineEnding CrLf
        $server.Tls | Should -BeNullOrEmpty
        $server | Start-SocketTls -Certificate $certs.Server -Timeout 10000
        $server.Tls.IsServer | Should -BeTrue
        $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'secret'
        $server | Send-SocketData 'sealed' -Line
        Receive-PeerJob $job | Should -Be $true, 'sealed', $true
    }

    It 'TlsUnreadPlaintext while plaintext is buffered, and the session stays as it was' {
        $pair = New-SocketPair -Payload "220 go ahead`r`nINJECTED"
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be '220 go ahead'
        $pair.Client.BytesBuffered | Should -Be 8
        { $pair.Client | Start-SocketTls -TrustedCertificate $caOnly -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsUnreadPlaintext,PSSocket.Commands.StartSocketTlsCommand'
        $pair.Client.State | Should -Be 'Connected'
        $pair.Client.Tls | Should -BeNullOrEmpty
        $pair.Client | Receive-SocketData -Count 8 -Timeout 5000 | Should -Be 'INJECTED'
    }

    It '-DiscardUnreadData drops the buffered plaintext and upgrades' {
        $plain = Start-SocketListener
        $job = Start-PeerJob {
            param($port, $ca)
            $c = Connect-Socket 127.0.0.1 $port -Timeout 10000
            $c | Send-SocketData "OK`nINJECTED"
            $null = $c | Receive-SocketData -Line -Timeout 10000     # the go-ahead
            $c | Start-SocketTls -ServerName localhost -TrustedCertificate $ca -Timeout 10000
            $c | Send-SocketData 'after' -Line
            $null = $c | Receive-SocketData -ToEnd -Timeout 10000
        } -ArgumentList $plain.LocalEndPoint.Port, $caOnly
        $server = $plain | Wait-SocketConnection -Timeout 10000
        $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'OK'
        Wait-Until { $server.BytesBuffered -eq 8 } | Should -BeTrue
        $server | Send-SocketData 'go ahead' -Line
        $server | Start-SocketTls -Certificate $certs.Server -DiscardUnreadData -Timeout 10000
        $server.BytesBuffered | Should -Be 0
        $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'after'
        $server | Close-Socket
        Receive-PeerJob $job
    }

    It 'upgrades an SMTP session for openssl s_client -starttls smtp' -Skip:$noOpenssl {
        $listener = Start-SocketListener
        $ca = Export-TestPem $caOnly
        $openssl = Start-TestProcess openssl @('s_client', '-starttls', 'smtp', '-connect', "127.0.0.1:$($listener.LocalEndPoint.Port)",
            '-CAfile', $ca.Certificate, '-verify_return_error', '-servername', 'localhost', '-quiet')
        try {
            $server = $listener | Wait-SocketConnection -Timeout 10000
            $server | Send-SocketData '220 pester ESMTP' -Line -LineEnding CrLf
            $server | Receive-SocketData -Line -Timeout 10000 | Should -BeLike 'EHLO *'
            $server | Send-SocketData "250-pester`r`n250 STARTTLS" -Line -LineEnding CrLf
            $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'STARTTLS'
            $server | Send-SocketData '220 go ahead' -Line -LineEnding CrLf
            $server | Start-SocketTls -Certificate $certs.Server -Timeout 10000
            $server.Tls.IsServer | Should -BeTrue
            $openssl.StandardInput.Write("MAIL FROM:<pester@example.org>`r`n")
            $openssl.StandardInput.Flush()
            $server | Receive-SocketData -Line -Timeout 10000 | Should -Be 'MAIL FROM:<pester@example.org>'
            $server | Send-SocketData '250 ok' -Line -LineEnding CrLf
            $read = $openssl.StandardOutput.ReadLineAsync()
            $read.Wait(10000) | Should -BeTrue
            $read.Result | Should -Be '250 ok'
        }
        finally {
            Stop-TestProcess $openssl
        }
    }

    It 'a failed upgrade closes the session' {
        $pair = New-SocketPair
        { $pair.Server | Start-SocketTls -Certificate $certs.Server -Timeout 300 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TlsHandshakeTimedOut,PSSocket.Commands.StartSocketTlsCommand'
        $pair.Server.State | Should -Be 'Closed'
    }
}
