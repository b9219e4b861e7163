# Pester 5 tests of the cmdlet surface: the views at 80 columns, binding by property name, parameter sets,
# ShouldProcess, completers and waits. Run them with Invoke-Pester tests/Pester after dotnet build.

BeforeAll {
    $manifest = if ($env:PSSOCKET_MODULE_PATH) { $env:PSSOCKET_MODULE_PATH } else { "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" }
    Import-Module $manifest -Force

    # Renders objects at a width and checks that every line fits, nothing was cut and every value shows.
    function Assert-View {
        param([object[]] $InputObject, [string[]] $Value, [string[]] $Header, [int] $Width = 80, [string] $Format = 'Table')
        $text = if ($Format -eq 'List') { $InputObject | Format-List | Out-String -Width $Width } else { $InputObject | Out-String -Width $Width }
        $lines = $text -split "`r?`n"
        ($lines | Where-Object Length -GT $Width) | Should -BeNullOrEmpty -Because "every line fits $Width columns:`n$text"
        $text | Should -Not -Match '…|\.\.\.' -Because "no value is cut:`n$text"
        foreach ($v in $Value) { $text | Should -Match ([regex]::Escape($v)) -Because "'$v' shows:`n$text" }
        foreach ($h in $Header) { $lines[1] | Should -Match "\b$h\b" -Because "the $h column shows:`n$text" }
        $text
    }
}

Describe 'Views at 80 columns' {
    BeforeAll {
        $listener = Start-SocketListener -Port 0 -Echo
        $port = $listener.LocalEndPoint.Port
        $client = Connect-Socket -ComputerName 127.0.0.1 -Port $port -Timeout 5000
        $client | Send-SocketData ('x' * 123456)
        $null = $client | Receive-SocketData -Count 123456 -Timeout 10000
    }

    AfterAll {
        $client, $listener | Where-Object { $_ } | Close-Socket
    }

    It 'shows a session with its counters, end points and role' {
        Assert-View -InputObject $listener, $client -Header Id, Protocol, State, Sent, Received, Local, Remote, Role `
            -Value '123456', "127.0.0.1:$port", 'Listening', 'Connected', 'Client', 'Listener'
    }

    It 'shows a long Unix path in full on a wide console' {
        $path = Join-Path ([IO.Path]::GetTempPath()) "pssocket-surface-view-$PID-a-rather-long-name.sock"
        $unix = Start-SocketListener -Protocol UnixStream -Path $path
        try {
            $text = $unix | Out-String -Width 200
            $text | Should -Match ([regex]::Escape($path))
        } finally {
            $unix | Close-Socket
        }
    }

    It 'shows the Encoding by name in the list view' {
        Assert-View -InputObject $client -Format List -Value 'utf-8', 'Client', '123456'
    }

    It 'shows the server counters' {
        Assert-View -InputObject $listener.Server -Header Mode, State, Accepted, Active, Refused, Received, Sent, Local `
            -Value 'Echo', 'Running', '123456', "127.0.0.1:$port"
    }

    It 'shows port checks with latency to 0.1 ms and the error id' {
        $results = Test-SocketPort -ComputerName 127.0.0.1 -Port $port, 1 -Timeout 5000
        $text = Assert-View -InputObject $results -Header ComputerName, Port, Status, LatencyMs, ErrorId, RemoteAddress `
            -Value 'Open', 'Refused', 'ConnectionRefused', "$port"
        foreach ($r in $results) { $text | Should -Match ([regex]::Escape(('{0:0.0}' -f $r.LatencyMs))) }
    }

    It 'shows datagrams' {
        $udp = Start-SocketListener -Protocol Udp -Port 0
        $sender = Connect-Socket -Protocol Udp -ComputerName 127.0.0.1 -Port $udp.LocalEndPoint.Port
        try {
            $sender | Send-SocketData 'ping'
            $datagram = $udp | Receive-SocketData -Timeout 5000
            Assert-View -InputObject $datagram -Header ReceivedAt, RemoteEndPoint, Length, Data -Value 'ping', "$($sender.LocalEndPoint)"
        } finally {
            $sender, $udp | Close-Socket
        }
    }

    It 'shows the TLS facts and the TLS marker of a session' {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=localhost', $key,
            [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $cert = $request.CreateSelfSigned([DateTimeOffset]::Now.AddDays(-1), [DateTimeOffset]::Now.AddDays(30))
        $tlsListener = Start-SocketListener -Port 0 -Echo -Certificate $cert
        $tls = Connect-Socket -ComputerName localhost -Port $tlsListener.LocalEndPoint.Port -UseTls -SkipCertificateCheck -Timeout 5000
        try {
            Assert-View -InputObject $tls -Value 'Tcp+TLS'
            Assert-View -InputObject $tls.Tls -Header Protocol, CipherSuite, Subject, Days, Valid -Value 'CN=localhost', 'Tls1'
            $tls.Tls.Certificate.Thumbprint | Should -Be $cert.Thumbprint
        } finally {
            $tls, $tlsListener | Close-Socket
        }
    }

    It 'shows the same views for results that come back deserialized' {
        $results = Test-SocketPort -ComputerName 127.0.0.1 -Port $port -Timeout 5000
        $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($results))
        $copy.pstypenames[0] | Should -BeLike 'Deserialized.*'
        Assert-View -InputObject $copy -Header ComputerName, Port, Status, LatencyMs -Value 'Open'
        $session = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($client))
        Assert-View -InputObject $session -Header Id, Protocol, State, Sent, Received -Value '123456', 'Connected'
    }
}
