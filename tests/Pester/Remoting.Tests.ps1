# Pester 5 tests: PSSocket's checks fanned out over PowerShell remoting to a real sshd on loopback. Three
# addresses (127.0.0.2-4) stand for three hosts; the remote pwsh is this same pwsh, as the `powershell` subsystem.
# The results come back deserialized: the tests assert that what an operator reads survives the trip.

BeforeDiscovery {
    . "$PSScriptRoot/Remoting.Support.ps1"
    $script:noSshd = -not (Get-SshdPath) -and $env:CI -ne 'true'
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
    . "$PSScriptRoot/Remoting.Support.ps1"
    $manifest = (Resolve-Path -Path $PSSocketManifest).Path
}

Describe 'Checks fanned out over SSH remoting' -Skip:$noSshd {
    BeforeAll {
        # The remote pwsh finds PSSocket by name, in the folder that holds the module under test.
        $sshHost = Start-SshTestHost -ModuleRoot (Split-Path -Parent (Split-Path -Parent $manifest))
        $connection = @{
            Port        = $sshHost.Port
            UserName    = $sshHost.UserName
            KeyFilePath = $sshHost.KeyFilePath
            Options     = $sshHost.Options
        }
        $sessions = New-PSSession -HostName $sshHost.HostName @connection -ErrorAction Stop
        Invoke-Command -Session $sessions -ScriptBlock { Import-Module PSSocket }

        $echo = Start-SocketListener -Echo
        $echoPort = $echo.LocalEndPoint.Port
        $closedPort = Get-FreeTcpPort -Address 127.0.0.1
        $certificates = New-TestCertificateSet
        $certificate = $certificates.Server
        $tlsEcho = Start-SocketListener -Echo -Certificate $certificate
        $tlsPort = $tlsEcho.LocalEndPoint.Port
        $authority = [Convert]::ToBase64String($certificates.CA.RawData)
    }

    AfterAll {
        if ($sessions) { Remove-PSSession -Session $sessions }
        Clear-TestSessions
        Get-Job | Remove-Job -Force
        Stop-SshTestHost $sshHost
        Remove-TestDirectory
    }

    # Invoke-Command's SSH parameter set (-HostName) has no -ThrottleLimit; the -Session form below has it.
    It 'runs Test-SocketPort on every host with -HostName, and each status survives' {
        $results = Invoke-Command -HostName $sshHost.HostName @connection -ScriptBlock {
            param($Manifest, $Open, $Closed)
            $module = Import-Module PSSocket -PassThru
            if ($module.ModuleBase -ne (Split-Path -Parent $Manifest)) { throw "The remote host loaded PSSocket from $($module.ModuleBase), not from beside $Manifest." }
            Test-SocketPort -ComputerName 127.0.0.1 -Port $Open, $Closed -Timeout 10000
        } -ArgumentList $manifest, $echoPort, $closedPort

        $results | Should -HaveCount 6
        ($results.PSComputerName | Sort-Object -Unique) | Should -Be $sshHost.HostName
        foreach ($result in $results) {
            $result.pstypenames[0] | Should -Be 'Deserialized.PSSocket.HealthChecks.PortCheckResult'
            $result.ComputerName | Should -Be '127.0.0.1'
            $result.RemoteAddress | Should -Be '127.0.0.1'
        }
        $open = @($results | Where-Object Port -EQ $echoPort)
        $open | Should -HaveCount 3
        $open.Status | Should -Be @('Open', 'Open', 'Open')
        $open.Success | Should -Be @($true, $true, $true)
        $open | ForEach-Object { $_.LatencyMs | Should -BeOfType [double]; $_.LatencyMs | Should -BeGreaterThan 0 }
        $open | ForEach-Object { $_.ErrorId | Should -BeNullOrEmpty }

        $refused = @($results | Where-Object Port -EQ $closedPort)
        $refused | Should -HaveCount 3
        $refused.Status | Should -Be @('Refused', 'Refused', 'Refused')
        $refused.Success | Should -Be @($false, $false, $false)
        $refused.ErrorId | Should -Be @('ConnectionRefused', 'ConnectionRefused', 'ConnectionRefused')
        $refused.SocketError | Should -Be @('ConnectionRefused', 'ConnectionRefused', 'ConnectionRefused')
    }

    It 'runs as a job with -AsJob: one child job per host, each with its results' {
        $job = Invoke-Command -Session $sessions -AsJob -ScriptBlock {
            param($Open)
            Test-SocketPort -ComputerName 127.0.0.1 -Port $Open -Timeout 10000
        } -ArgumentList $echoPort
        try {
            $job | Wait-Job -Timeout 120 | Out-Null
            $job.State | Should -Be 'Completed'
            $job.ChildJobs | Should -HaveCount 3
            $results = $job | Receive-Job
            $results | Should -HaveCount 3
            ($results.PSComputerName | Sort-Object) | Should -Be $sshHost.HostName
            $results.Status | Should -Be @('Open', 'Open', 'Open')
        }
        finally {
            $job | Remove-Job -Force
        }
    }

    It 'connects, sends and receives on each host with -ThrottleLimit, and the session comes back with its counters' {
        $results = Invoke-Command -Session $sessions -ThrottleLimit 2 -ScriptBlock {
            param($Port)
            $session = Connect-Socket -ComputerName 127.0.0.1 -Port $Port -Timeout 10000
            $session | Send-SocketData "hello from $([Environment]::ProcessId)" -Line
            $line = $session | Receive-SocketData -Line -Timeout 10000
            $session | Close-Socket
            [pscustomobject]@{ Line = $line; ProcessId = [Environment]::ProcessId; Session = $session }
        } -ArgumentList $echoPort

        $results | Should -HaveCount 3
        $results.ProcessId | Sort-Object -Unique | Should -HaveCount 3
        foreach ($result in $results) {
            $result.Line | Should -BeExactly "hello from $($result.ProcessId)"
            $session = $result.Session
            $session.pstypenames[0] | Should -Be 'Deserialized.PSSocket.Sessions.SocketSession'
            $session.Protocol | Should -Be 'Tcp'
            $session.Role | Should -Be 'Client'
            $session.State | Should -Be 'Closed'
            $session.BytesSent | Should -Be ($result.Line.Length + 1)
            $session.BytesReceived | Should -Be ($result.Line.Length + 1)
            "$($session.RemoteEndPoint)" | Should -Be "127.0.0.1:$echoPort"
        }
    }

    It 'checks a TLS certificate on each host, and the TLS facts with their dates survive' {
        $results = Invoke-Command -Session $sessions -ScriptBlock {
            param($Port, $AuthorityBase64)
            $trusted = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate(
                [Convert]::FromBase64String($AuthorityBase64))
            Test-SocketPort -ComputerName 127.0.0.1 -Port $Port -UseTls -ServerName localhost -TrustedCertificate $trusted -Timeout 10000
        } -ArgumentList $tlsPort, $authority

        $results | Should -HaveCount 3
        foreach ($result in $results) {
            $result.Status | Should -Be 'Open'
            $result.TlsProtocol | Should -BeIn @('Tls12', 'Tls13')
            $result.TlsCipherSuite | Should -Not -BeNullOrEmpty
            $result.CertificateSubject | Should -Be 'CN=localhost'
            $result.CertificateThumbprint | Should -Be $certificate.Thumbprint
            $result.CertificateNotAfter | Should -BeOfType [datetime]
            $result.CertificateNotAfter.ToUniversalTime().ToString('s') | Should -Be $certificate.NotAfter.ToUniversalTime().ToString('s')
            $result.CertificateNotBefore | Should -BeOfType [datetime]
            $result.CertificateIssuer | Should -Be 'CN=PSSocket Pester CA'
            $result.CertificateDaysUntilExpiry | Should -BeIn @(89, 90)
            $result.CertificateChainValid | Should -BeTrue
            $result.CertificateNameMatches | Should -BeTrue
        }
    }

    It 'reports an untrusted certificate remotely as CertificateUntrusted with its error id' {
        $results = Invoke-Command -Session $sessions[0] -ScriptBlock {
            param($Port)
            Test-SocketPort -ComputerName 127.0.0.1 -Port $Port -UseTls -Timeout 10000
        } -ArgumentList $tlsPort

        $results.Status | Should -Be 'CertificateUntrusted'
        $results.ErrorId | Should -Be 'TlsUntrustedCertificate'
        $results.CertificateThumbprint | Should -Be $certificate.Thumbprint
    }

    It 'keeps the error id, category and target of an error raised remotely' {
        $errors = $null
        Invoke-Command -Session $sessions -ScriptBlock {
            param($Port)
            Connect-Socket -ComputerName 127.0.0.1 -Port $Port -Timeout 10000
        } -ArgumentList $closedPort -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors | Should -HaveCount 3
        foreach ($record in $errors) {
            $record.FullyQualifiedErrorId | Should -BeLike 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand*'
            $record.CategoryInfo.Category | Should -Be 'ConnectionError'
            $record.CategoryInfo.TargetName | Should -Be "127.0.0.1:$closedPort"
        }
        ($errors.OriginInfo.PSComputerName | Sort-Object) | Should -Be $sshHost.HostName
    }

    It 'stops the caller with the remote error id under -ErrorAction Stop' {
        {
            Invoke-Command -Session $sessions[0] -ScriptBlock {
                param($Port)
                Connect-Socket -ComputerName 127.0.0.1 -Port $Port -Timeout 10000 -ErrorAction Stop
            } -ArgumentList $closedPort -ErrorAction Stop
        } | Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'runs the fleet example with its Via rows checked on the remote hosts' {
        $csv = Join-Path $TestDrive 'fleet.csv'
        @(
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $echoPort; Via = '' }
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $echoPort; Via = $sshHost.HostName[0] }
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $closedPort; Via = $sshHost.HostName[1] }
        ) | Export-Csv -Path $csv -NoTypeInformation

        $output = & "$PSScriptRoot/../../examples/fleet-health.ps1" -CsvPath $csv -UserName $sshHost.UserName -KeyFilePath $sshHost.KeyFilePath -SshPort $sshHost.Port -SshOptions $sshHost.Options
        $output | Should -Contain "Checked 3 end points from $csv"
        $output | Should -Contain ('  {0,-16} {1}' -f 'Open', 2)
        $output | Should -Contain ('  {0,-16} {1}' -f 'Refused', 1)
        $output | Should -Contain "  127.0.0.1:$closedPort (from $($sshHost.HostName[1])): Refused ConnectionRefused"
    }

    It 'shows remote port checks in a table that fits 80 columns, with the computer each came from' {
        $results = Invoke-Command -Session $sessions -ScriptBlock {
            param($Open, $Closed)
            Test-SocketPort -ComputerName 127.0.0.1 -Port $Open, $Closed -Timeout 10000
        } -ArgumentList $echoPort, $closedPort

        $lines = ($results | Sort-Object PSComputerName, Port | Out-String -Width 80) -split [Environment]::NewLine |
            Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^ComputerName\s+Port\s+Status\s+LatencyMs\s+ErrorId\s+Tls\s+PSComputerName$'
        $lines[1] | Should -Match '^-+( +-+)+$'
        $lines | Should -Not -Match 'RunspaceId'
        $lines | Should -Not -Match '…'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        foreach ($hostName in $sshHost.HostName) {
            @($lines -match "^127\.0\.0\.1\s+$echoPort\s+Open\s+\d+\.\d\s+$([regex]::Escape($hostName))$") | Should -HaveCount 1
            @($lines -match "^127\.0\.0\.1\s+$closedPort\s+Refused\s+\d+\.\d\s+ConnectionRefused\s+$([regex]::Escape($hostName))$") | Should -HaveCount 1
        }
    }
}
