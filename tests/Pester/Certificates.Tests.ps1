# Pester 5 tests: certificates as operators meet them. PEM files for listeners and clients, and Test-SocketPort's
# verdicts (expiring, expired, untrusted, wrong name) through plain TLS and STARTTLS against real servers on
# loopback: nginx's mail module (SMTP, IMAP, POP3), PostgreSQL with ssl=on, vsftpd with AUTH TLS, slapd with StartTLS.

BeforeDiscovery {
    . "$PSScriptRoot/_Common.ps1"
    . "$PSScriptRoot/Certificates.Support.ps1"
    $NoNginx = Test-ServerMissing nginx
    $NoPostgres = Test-ServerMissing postgres
    $NoVsftpd = Test-ServerMissing vsftpd
    $NoSlapd = Test-ServerMissing slapd
    # _Common.ps1 made a test folder for discovery too; only BeforeAll's is used.
    Remove-TestDirectory
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
    . "$PSScriptRoot/Certificates.Support.ps1"
    $Fleet = New-CertificateFleet
    $Root = $Fleet.Root.CertPath
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'PEM certificate files' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'serves TLS from a PEM certificate and its -KeyPath, trusted through a PEM root' {
        $listener = Start-SocketListener -CertificatePath $Fleet.Valid.CertPath -KeyPath $Fleet.Valid.KeyPath -Echo
        $result = Test-SocketPort 127.0.0.1 $listener.LocalEndPoint.Port -UseTls -TrustedCertificatePath $Root -Timeout 5000
        $result.Status | Should -Be 'Open'
        $result.CertificateThumbprint | Should -Be $Fleet.Valid.Certificate.Thumbprint
    }

    It 'takes the key from the certificate file itself, and trusts through a PEM bundle of several CAs' {
        $both = New-TestPath '.pem'
        Set-Content -LiteralPath $both -Value ((Get-Content $Fleet.Chain.CertPath -Raw) + "`n" + (Get-Content $Fleet.Chain.KeyPath -Raw))
        $bundle = New-TestPath '.pem'
        Set-Content -LiteralPath $bundle -Value ((Get-Content $Fleet.Intermediate.CertPath -Raw) + "`n" + (Get-Content $Root -Raw))
        $listener = Start-SocketListener -CertificatePath $both -Echo
        $session = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -UseTls -TrustedCertificatePath $bundle -Timeout 5000
        $session.Tls.Subject | Should -Be 'CN=localhost chain'
        $session.Tls.ChainValid | Should -BeTrue
        (Test-SocketPort 127.0.0.1 $listener.LocalEndPoint.Port -UseTls -TrustedCertificate $bundle -Timeout 5000).Status |
            Should -Be 'Open' -Because '-TrustedCertificate takes the path of a bundle too'
    }

    It 'decrypts an encrypted PKCS#8 key with -CertificatePassword' {
        $pbe = [System.Security.Cryptography.PbeParameters]::new('Aes256Cbc', 'SHA256', 1000)
        $keyPath = New-TestPath '.key'
        Set-Content -LiteralPath $keyPath -Value $Fleet.Valid.Key.ExportEncryptedPkcs8PrivateKeyPem('fleet-secret', $pbe)
        $password = ConvertTo-SecureString 'fleet-secret' -AsPlainText -Force
        $listener = Start-SocketListener -CertificatePath $Fleet.Valid.CertPath -KeyPath $keyPath -CertificatePassword $password
        $listener.LocalEndPoint.Port | Should -BeGreaterThan 0
        { Start-SocketListener -CertificatePath $Fleet.Valid.CertPath -KeyPath $keyPath } |
            Should -Throw -ErrorId 'CertificatePasswordRequired,PSSocket.Commands.StartSocketListenerCommand'
    }

    It 'names a missing key, a key of another certificate and a file that is no certificate' {
        { Start-SocketListener -CertificatePath $Fleet.Valid.CertPath } |
            Should -Throw -ErrorId 'CertificateKeyMissing,PSSocket.Commands.StartSocketListenerCommand'
        { Start-SocketListener -CertificatePath $Fleet.Valid.CertPath -KeyPath $Fleet.Expired.KeyPath } |
            Should -Throw -ErrorId 'CertificateKeyMismatch,PSSocket.Commands.StartSocketListenerCommand'
        $notes = New-TestPath '.txt'
        Set-Content -LiteralPath $notes -Value 'not a certificate'
        { Start-SocketListener -CertificatePath $notes } |
            Should -Throw -ErrorId 'CertificateFormatUnsupported,PSSocket.Commands.StartSocketListenerCommand'
        { Test-SocketPort 127.0.0.1 1 -UseTls -TrustedCertificatePath $Fleet.Valid.KeyPath } |
            Should -Throw -ErrorId 'CertificateFormatUnsupported,PSSocket.Commands.TestSocketPortCommand'
    }

    It 'authenticates a client with a PEM certificate and key (mutual TLS)' {
        $listener = Start-SocketListener -CertificatePath $Fleet.Valid.CertPath -KeyPath $Fleet.Valid.KeyPath -Echo `
            -RequireClientCertificate -TrustedCertificatePath $Root
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -UseTls -TrustedCertificatePath $Root `
            -ClientCertificatePath $Fleet.Expiring.CertPath -ClientCertificateKeyPath $Fleet.Expiring.KeyPath -Timeout 5000
        $client.Tls.IsMutuallyAuthenticated | Should -BeTrue
        $client | Send-SocketData "ping`n" -PassThru | Receive-SocketData -Line -Timeout 5000 | Should -Be 'ping'
    }
}

Describe 'Mail STARTTLS and TLS verdicts against nginx' -Skip:$NoNginx {
    BeforeAll {
        $ports = @{}
        $endPoints = foreach ($spec in @(
                @('smtp', 'smtp', 'starttls', 'Valid'), @('imap', 'imap', 'starttls', 'Valid'), @('pop3', 'pop3', 'starttls', 'Valid'),
                @('imaps', 'imap', 'ssl', 'Valid'), @('plainsmtp', 'smtp', 'off', 'Valid'),
                @('expiring', 'smtp', 'starttls', 'Expiring'), @('expired', 'smtp', 'starttls', 'Expired'),
                @('wrongname', 'imap', 'starttls', 'WrongName'), @('selfsigned', 'pop3', 'starttls', 'SelfSigned'),
                @('chain', 'smtp', 'starttls', 'Chain'))) {
            $port = Get-FreeLoopbackPort '127.0.0.2'
            $ports[$spec[0]] = $port
            @{ Address = '127.0.0.2'; Port = $port; Protocol = $spec[1]; Tls = $spec[2]; Certificate = $Fleet.($spec[3]) }
        }
        $Ports = $ports
        $Nginx = Start-NginxMail $endPoints
        $Check = @{ ComputerName = '127.0.0.2'; TrustedCertificatePath = $Root; Timeout = 5000 }
    }

    AfterAll {
        Stop-ServerProcess $Nginx
    }

    It 'checks the <Protocol> certificate behind STARTTLS' -ForEach @(
        @{ Protocol = 'Smtp'; Key = 'smtp' }, @{ Protocol = 'Imap'; Key = 'imap' }, @{ Protocol = 'Pop3'; Key = 'pop3' }) {
        $result = Test-SocketPort @Check -Port $Ports[$Key] -StartTls $Protocol -MinimumDaysValid 30
        $result.Status | Should -Be 'Open'
        $result.CertificateSubject | Should -Be 'CN=localhost'
        $result.CertificateDaysUntilExpiry | Should -BeGreaterThan 30
    }

    It 'checks the certificate of an IMAPS port (TLS from the first byte)' {
        (Test-SocketPort @Check -Port $Ports.imaps -UseTls).Status | Should -Be 'Open'
    }

    It 'fails a certificate that expires within -MinimumDaysValid, and passes it with a lower threshold' {
        $result = Test-SocketPort @Check -Port $Ports.expiring -StartTls Smtp -MinimumDaysValid 14
        $result.Status | Should -Be 'CertificateExpiring'
        $result.ErrorId | Should -Be 'CertificateExpiring'
        $result.CertificateDaysUntilExpiry | Should -Be 3
        Test-SocketPort @Check -Port $Ports.expiring -StartTls Smtp -MinimumDaysValid 14 -Quiet | Should -BeFalse
        (Test-SocketPort @Check -Port $Ports.expiring -StartTls Smtp -MinimumDaysValid 3).Status | Should -Be 'Open'
    }

    It 'gives <Status> for the <Key> certificate' -ForEach @(
        @{ Key = 'expired'; StartTls = 'Smtp'; Status = 'CertificateExpired'; ErrorId = 'TlsCertificateExpired' }
        @{ Key = 'wrongname'; StartTls = 'Imap'; Status = 'CertificateNameMismatch'; ErrorId = 'TlsNameMismatch' }
        @{ Key = 'selfsigned'; StartTls = 'Pop3'; Status = 'CertificateUntrusted'; ErrorId = 'TlsUntrustedCertificate' }
        @{ Key = 'chain'; StartTls = 'Smtp'; Status = 'Open'; ErrorId = $null }) {
        $result = Test-SocketPort @Check -Port $Ports[$Key] -StartTls $StartTls
        $result.Status | Should -Be $Status
        $result.ErrorId | Should -Be $ErrorId
        $result.CertificateSubject | Should -Not -BeNullOrEmpty
    }

    It 'reports StartTlsNotOffered for an SMTP server without STARTTLS' {
        $result = Test-SocketPort @Check -Port $Ports.plainsmtp -StartTls Smtp
        $result.Status | Should -Be 'StartTlsFailed'
        $result.ErrorId | Should -Be 'StartTlsNotOffered'
        { Connect-Socket 127.0.0.2 $Ports.plainsmtp -StartTls Smtp -TrustedCertificatePath $Root -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'StartTlsNotOffered,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'connects a session through IMAP STARTTLS and speaks IMAP over TLS' {
        $session = Connect-Socket 127.0.0.2 $Ports.imap -StartTls Imap -ServerName localhost -TrustedCertificatePath $Root -Timeout 5000
        try {
            $session.Tls.Subject | Should -Be 'CN=localhost'
            $session | Send-SocketData "a3 NOOP`r`n" -PassThru | Receive-SocketData -Line -Timeout 5000 | Should -Match '^a3 OK'
        }
        finally { $session | Close-Socket }
    }

    It 'checks revocation only when asked: Offline without a cached CRL is Unknown and passes' {
        (Test-SocketPort @Check -Port $Ports.smtp -StartTls Smtp).CertificateRevocationStatus | Should -Be 'NotChecked'
        $offline = Test-SocketPort @Check -Port $Ports.smtp -StartTls Smtp -RevocationMode Offline
        $offline.Status | Should -Be 'Open'
        $offline.CertificateRevocationStatus | Should -Be 'Unknown'
        $session = Connect-Socket 127.0.0.2 $Ports.imaps -UseTls -ServerName localhost -TrustedCertificatePath $Root -RevocationMode Offline -Timeout 5000
        try { $session.Tls.RevocationStatus | Should -Be 'Unknown' } finally { $session | Close-Socket }
    }

    It 'checks rows of different protocols in one call, each with its own verdict' {
        $rows = @(
            @{ Key = 'smtp'; StartTls = 'Smtp' }, @{ Key = 'imap'; StartTls = 'Imap' }, @{ Key = 'pop3'; StartTls = 'Pop3' },
            @{ Key = 'imaps'; StartTls = 'Off' }, @{ Key = 'expiring'; StartTls = 'Smtp' }, @{ Key = 'expired'; StartTls = 'Smtp' },
            @{ Key = 'wrongname'; StartTls = 'Smtp' }, @{ Key = 'plainsmtp'; StartTls = 'Smtp' }) |
            ForEach-Object { [pscustomobject]@{ ComputerName = '127.0.0.2'; Port = $Ports[$_.Key]; StartTls = $_.StartTls } }
        $results = $rows | Test-SocketPort -UseTls -TrustedCertificatePath $Root -MinimumDaysValid 14 -Timeout 5000
        # wrongname is an IMAP server: its greeting is no SMTP 220.
        $results.Status | Should -Be @('Open', 'Open', 'Open', 'Open', 'CertificateExpiring', 'CertificateExpired', 'StartTlsFailed', 'StartTlsFailed')
        $results[7].ErrorId | Should -Be 'StartTlsNotOffered'
        $again = $results | Where-Object Success | Test-SocketPort -UseTls -TrustedCertificatePath $Root -Timeout 5000
        $again.StartTls | Should -Be @('Smtp', 'Imap', 'Pop3', 'Off')
        $again.Status | Should -Be @('Open', 'Open', 'Open', 'Open')
    }
}

Describe 'PostgreSQL with ssl=on' -Skip:$NoPostgres {
    BeforeAll {
        $Port = Get-FreeLoopbackPort '127.0.0.3'
        $Postgres = Start-PostgresTls '127.0.0.3' $Port $Fleet.Valid
    }

    AfterAll {
        Stop-ServerProcess $Postgres
    }

    It 'checks the certificate after the SSLRequest' {
        $result = Test-SocketPort 127.0.0.3 $Port -StartTls Postgres -TrustedCertificatePath $Root -MinimumDaysValid 30 -Timeout 5000
        $result.Status | Should -Be 'Open'
        $result.CertificateSubject | Should -Be 'CN=localhost'
    }

    It 'fails plain TLS, which PostgreSQL speaks only after the SSLRequest' {
        (Test-SocketPort 127.0.0.3 $Port -UseTls -TrustedCertificatePath $Root -Timeout 3000).Status | Should -Be 'TlsFailed'
    }
}

Describe 'vsftpd with AUTH TLS' -Skip:$NoVsftpd {
    BeforeAll {
        $TlsPort = Get-FreeLoopbackPort '127.0.0.4'
        $PlainPort = Get-FreeLoopbackPort '127.0.0.4'
        $Ftp = Start-Vsftpd '127.0.0.4' $TlsPort $Fleet.Valid
        $PlainFtp = Start-Vsftpd '127.0.0.4' $PlainPort $null
    }

    AfterAll {
        Stop-ServerProcess $Ftp
        Stop-ServerProcess $PlainFtp
    }

    It 'checks the certificate after AUTH TLS' {
        $result = Test-SocketPort 127.0.0.4 $TlsPort -StartTls Ftp -TrustedCertificatePath $Root -Timeout 5000
        $result.Status | Should -Be 'Open'
        $result.CertificateSubject | Should -Be 'CN=localhost'
    }

    It 'reports StartTlsNotOffered when TLS is off' {
        $result = Test-SocketPort 127.0.0.4 $PlainPort -StartTls Ftp -TrustedCertificatePath $Root -Timeout 5000
        $result.ErrorId | Should -Be 'StartTlsNotOffered'
    }
}

Describe 'slapd with StartTLS' -Skip:$NoSlapd {
    BeforeAll {
        $Port = Get-FreeLoopbackPort '127.0.0.5'
        $PlainPort = Get-FreeLoopbackPort '127.0.0.5'
        $Slapd = Start-SlapdTls '127.0.0.5' $Port $Fleet.Chain
        $PlainSlapd = Start-SlapdTls '127.0.0.5' $PlainPort $null
    }

    AfterAll {
        Stop-ServerProcess $Slapd
        Stop-ServerProcess $PlainSlapd
    }

    It 'reports StartTlsNotOffered for a server without TLS (protocolError)' {
        $result = Test-SocketPort 127.0.0.5 $PlainPort -StartTls Ldap -TrustedCertificatePath $Root -Timeout 5000
        $result.ErrorId | Should -Be 'StartTlsNotOffered'
        { Connect-Socket 127.0.0.5 $PlainPort -StartTls Ldap -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'StartTlsNotOffered,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'checks the certificate after the StartTLS extended operation' {
        $result = Test-SocketPort 127.0.0.5 $Port -StartTls Ldap -TrustedCertificatePath $Root -Timeout 5000
        $result.Status | Should -Be 'Open'
        $result.CertificateSubject | Should -Be 'CN=localhost chain'
    }
}
