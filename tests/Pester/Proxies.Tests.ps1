# Pester 5 tests: Connect-Socket -Proxy and Test-SocketPort -Proxy against real proxies nobody here wrote: Dante's
# danted (SOCKS5, with and without user name and password), tinyproxy and ncat --proxy-type http (HTTP CONNECT),
# each started by the test on loopback with its own configuration and stopped by its id. Targets: a socat that
# greets first and then echoes, the module's own echo listener, plain and with TLS. Every byte is checked.

BeforeDiscovery {
    . "$PSScriptRoot/Proxies.Support.ps1"
    $noDante = Test-ProxyProgramMissing danted, socat
    $noTinyproxy = Test-ProxyProgramMissing tinyproxy, socat
    $noNcat = Test-ProxyProgramMissing ncat, socat
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
    . "$PSScriptRoot/Proxies.Support.ps1"
    $certs = New-TestCertificateSet
    $echo = Start-SocketListener -Echo
    $tlsEcho = Start-SocketListener -Echo -Certificate $certs.Server
    $connect = 'PSSocket.Commands.ConnectSocketCommand'

    # Through the tunnel: the greeting first, then a byte-exact echo.
    function Assert-GreetsAndEchoes($Session, [string] $Greeting, [int] $Seed) {
        $Session | Receive-SocketData -Line -Timeout 10000 | Should -Be $Greeting.TrimEnd("`n")
        Assert-Echoes $Session 100000 $Seed
    }

    function Assert-Echoes($Session, [int] $Length, [int] $Seed) {
        $bytes = New-RandomBytes $Length -Seed $Seed
        $Session | Send-SocketData $bytes
        $back = $Session | Receive-SocketData -Count $bytes.Length -AsByteArray -Timeout 20000
        Test-BytesEqual $bytes $back | Should -BeTrue
    }
}

AfterAll {
    $echo, $tlsEcho | Close-Socket
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Connect-Socket -Proxy socks5:// (danted)' -Skip:$noDante {
    BeforeAll {
        $blocked = Start-SocketListener -Echo
        $dante = Start-Dante none $blocked.LocalEndPoint.Port
        $proxy = "socks5://127.0.0.1:$($dante.Port)"
        $greeter = Start-GreetingTarget
    }

    AfterAll {
        Stop-ProxyDaemon $dante
        Stop-ProxyDaemon $greeter
        $blocked | Close-Socket
    }

    AfterEach {
        Get-Socket | Where-Object Role -EQ Client | Close-Socket
    }

    It 'receives the greeting of a target that speaks first, then echoes byte for byte' {
        $s = Connect-Socket 127.0.0.1 $greeter.Port -Proxy $proxy -Timeout 10000
        Assert-GreetsAndEchoes $s $greeter.Greeting 41
        $s.BytesReceived | Should -Be ($greeter.Greeting.Length + 100000)
    }

    It 'tells the target as RemoteEndPoint and the proxy as Proxy, and leaves the name to the proxy to resolve' {
        $s = Connect-Socket localhost $echo.LocalEndPoint.Port -Proxy "socks5h://127.0.0.1:$($dante.Port)" -Timeout 10000
        "$($s.RemoteEndPoint)" | Should -Match "localhost:$($echo.LocalEndPoint.Port)$"
        $s.RemoteEndPoint | Should -BeOfType [System.Net.DnsEndPoint]
        $s.RemoteHost | Should -Be 'localhost'
        "$($s.Proxy)" | Should -Be "socks5h://127.0.0.1:$($dante.Port)"
        $s.Proxy.Kind | Should -Be 'Socks5'
        $s.Socket.RemoteEndPoint.Port | Should -Be $dante.Port
        Assert-Echoes $s (1024 * 1024) 42
    }

    It 'speaks TLS to the target through the tunnel, validating its certificate' {
        $s = Connect-Socket localhost $tlsEcho.LocalEndPoint.Port -UseTls -TrustedCertificate $certs.CA -Proxy $proxy -Timeout 10000
        $s.Tls.Protocol | Should -Not -BeNullOrEmpty
        $s.Tls.NameMatches | Should -BeTrue
        Assert-Echoes $s 50000 43
    }

    It 'fails a target that refuses with ProxyTargetUnreachable, and one its rules block with ProxyRefused' {
        $closed = Get-FreeLoopbackPort
        { Connect-Socket 127.0.0.1 $closed -Proxy $proxy -Timeout 10000 -ErrorAction Stop } |
            Should -Throw -ErrorId "ProxyTargetUnreachable,$connect"
        { Connect-Socket 127.0.0.1 $blocked.LocalEndPoint.Port -Proxy $proxy -Timeout 10000 -ErrorAction Stop } |
            Should -Throw -ErrorId "ProxyRefused,$connect"
        @(Get-Socket | Where-Object Role -EQ Client).Count | Should -Be 0
    }

    It 'reports each port through the proxy: Open, Refused, and ProxyFailed where the proxy would not go' {
        $closed = Get-FreeLoopbackPort
        $results = Test-SocketPort 127.0.0.1 $echo.LocalEndPoint.Port, $closed, $blocked.LocalEndPoint.Port -Proxy $proxy -Timeout 10000
        $results[0].Status | Should -Be 'Open'
        $results[0].Proxy | Should -Be $proxy
        $results[1].Status | Should -Be 'Refused'
        $results[1].ErrorId | Should -Be 'ProxyTargetUnreachable'
        $results[1].SocketError | Should -Be 'ConnectionRefused'
        $results[2].Status | Should -Be 'ProxyFailed'
        $results[2].ErrorId | Should -Be 'ProxyRefused'
    }

    It 'checks a name the proxy resolves, with TLS through the tunnel' {
        $result = Test-SocketPort localhost $tlsEcho.LocalEndPoint.Port -UseTls -TrustedCertificate $certs.CA -Proxy $proxy -Timeout 10000
        $result.Status | Should -Be 'Open'
        $result.RemoteAddress | Should -BeNullOrEmpty
        $result.TlsProtocol | Should -Not -BeNullOrEmpty
    }
}

Describe 'Connect-Socket -Proxy -ProxyCredential (<Name>)' -ForEach @(
    @{ Name = 'danted, username'; Missing = $noDante; Scheme = 'socks5' }
    @{ Name = 'tinyproxy, BasicAuth'; Missing = $noTinyproxy; Scheme = 'http' }
) {
    BeforeAll {
        $daemon = if ($Scheme -eq 'socks5') {
            Initialize-ProxyUser
            Start-Dante username
        }
        else {
            Start-Tinyproxy "BasicAuth $($script:ProxyUserName) $($script:ProxyUserPassword)"
        }
        $proxy = "$($Scheme)://127.0.0.1:$($daemon.Port)"
    }

    AfterAll {
        Stop-ProxyDaemon $daemon
    }

    It 'fails without a credential and with a wrong password with ProxyAuthenticationFailed' -Skip:$Missing {
        { Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Proxy $proxy -Timeout 10000 -ErrorAction Stop } |
            Should -Throw -ErrorId "ProxyAuthenticationFailed,$connect"
        { Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Proxy $proxy -ProxyCredential (New-ProxyCredential 'wrong') -Timeout 10000 -ErrorAction Stop } |
            Should -Throw -ErrorId "ProxyAuthenticationFailed,$connect"
        $result = Test-SocketPort 127.0.0.1 $echo.LocalEndPoint.Port -Proxy $proxy -Timeout 10000
        $result.Status | Should -Be 'ProxyFailed'
        $result.ErrorId | Should -Be 'ProxyAuthenticationFailed'
    }

    It 'goes through with the user name and password, and Proxy shows the user but never the password' -Skip:$Missing {
        $s = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Proxy $proxy -ProxyCredential (New-ProxyCredential) -Timeout 10000
        try {
            Assert-Echoes $s 20000 44
            $s.Proxy.UserName | Should -Be $script:ProxyUserName
            ($s.Proxy | ConvertTo-Json -Depth 3) | Should -Not -Match ([regex]::Escape($script:ProxyUserPassword))
        }
        finally {
            $s | Close-Socket
        }
        (Test-SocketPort 127.0.0.1 $echo.LocalEndPoint.Port -Proxy $proxy -ProxyCredential (New-ProxyCredential) -Timeout 10000).Status |
            Should -Be 'Open'
    }
}

Describe 'Connect-Socket -Proxy http:// (<Name>)' -ForEach @(
    @{ Name = 'tinyproxy'; Missing = $noTinyproxy; ClosedId = 'ProxyRefused'; ClosedStatus = 'ProxyFailed' }
    # tinyproxy answers a refused target with 500 (its own failure); ncat with 504 (the target's).
    @{ Name = 'ncat'; Missing = $noNcat; ClosedId = 'ProxyTargetUnreachable'; ClosedStatus = 'Unreachable' }
) {
    BeforeAll {
        $daemon = if ($Name -eq 'tinyproxy') { Start-Tinyproxy } else { Start-NcatProxy }
        $proxy = "http://127.0.0.1:$($daemon.Port)"
        $greeter = Start-GreetingTarget '* OK imap-like greeting'
    }

    AfterAll {
        Stop-ProxyDaemon $daemon
        Stop-ProxyDaemon $greeter
    }

    AfterEach {
        Get-Socket | Where-Object Role -EQ Client | Close-Socket
    }

    It 'receives the greeting of a target that speaks first, then echoes byte for byte' -Skip:$Missing {
        $s = Connect-Socket 127.0.0.1 $greeter.Port -Proxy $proxy -Timeout 10000
        Assert-GreetsAndEchoes $s $greeter.Greeting 51
        $s.Proxy.Kind | Should -Be 'HttpConnect'
    }

    It 'speaks TLS to a target named for the proxy to resolve' -Skip:$Missing {
        $s = Connect-Socket localhost $tlsEcho.LocalEndPoint.Port -UseTls -TrustedCertificate $certs.CA -Proxy $proxy -Timeout 10000
        $s.Tls.Subject | Should -Match 'localhost'
        Assert-Echoes $s 200000 52
    }

    It 'reports an open port, and a closed one by what the proxy answers' -Skip:$Missing {
        $closed = Get-FreeLoopbackPort
        { Connect-Socket 127.0.0.1 $closed -Proxy $proxy -Timeout 10000 -ErrorAction Stop } |
            Should -Throw -ErrorId "$ClosedId,$connect"
        $results = Test-SocketPort 127.0.0.1 $echo.LocalEndPoint.Port, $closed -Proxy $proxy -Timeout 10000
        $results[0].Status | Should -Be 'Open'
        $results[1].Status | Should -Be $ClosedStatus
        $results[1].ErrorId | Should -Be $ClosedId
    }
}

Describe 'Proxy errors without a proxy server' {
    AfterEach {
        Get-Socket | Where-Object Role -EQ Client | Close-Socket
    }

    It 'rejects a URI it cannot use with ProxyUriInvalid' {
        { Connect-Socket 127.0.0.1 1 -Proxy 'ftp://127.0.0.1:21' -ErrorAction Stop } | Should -Throw -ErrorId "ProxyUriInvalid,$connect"
        { Connect-Socket 127.0.0.1 1 -Proxy '127.0.0.1:1080' -ErrorAction Stop } | Should -Throw -ErrorId "ProxyUriInvalid,$connect"
        { Test-SocketPort 127.0.0.1 1 -Proxy 'socks4://127.0.0.1' -ErrorAction Stop } | Should -Throw -ErrorId 'ProxyUriInvalid,PSSocket.Commands.TestSocketPortCommand'
    }

    It 'fails a server that does not speak SOCKS5 with ProxyProtocolError' {
        $notProxy = Start-SocketListener -Greeting "220 not a proxy`r`n`r`n" -KeepOpen
        try {
            { Connect-Socket 127.0.0.1 1 -Proxy "socks5://127.0.0.1:$($notProxy.LocalEndPoint.Port)" -Timeout 10000 -ErrorAction Stop } |
                Should -Throw -ErrorId "ProxyProtocolError,$connect"
            { Connect-Socket 127.0.0.1 1 -Proxy "http://127.0.0.1:$($notProxy.LocalEndPoint.Port)" -Timeout 10000 -ErrorAction Stop } |
                Should -Throw -ErrorId "ProxyProtocolError,$connect"
        }
        finally {
            $notProxy | Close-Socket
        }
    }

    It 'bounds the tunnel by the connect timeout: a proxy that never answers is ConnectTimedOut' {
        $silent = Start-SocketListener
        try {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            { Connect-Socket 127.0.0.1 1 -Proxy "socks5://127.0.0.1:$($silent.LocalEndPoint.Port)" -Timeout 300 -ErrorAction Stop } |
                Should -Throw -ErrorId "ConnectTimedOut,$connect"
            $watch.ElapsedMilliseconds | Should -BeLessThan 30000
        }
        finally {
            $silent | Close-Socket
        }
    }

    It 'refuses -Proxy with a datagram or Unix session and -ProxyCredential without -Proxy' {
        { Connect-Socket 127.0.0.1 1 -Protocol Udp -Proxy socks5://127.0.0.1:1 -ErrorAction Stop } | Should -Throw -ErrorId "ConflictingParameters,$connect"
        { Connect-Socket -Path ./none.sock -Proxy socks5://127.0.0.1:1 -ErrorAction Stop } | Should -Throw -ErrorId "ConflictingParameters,$connect"
        $udp = New-Socket -Protocol Udp
        try {
            { $udp | Connect-Socket 127.0.0.1 1 -Proxy socks5://127.0.0.1:1 -ErrorAction Stop } | Should -Throw -ErrorId "ConflictingParameters,$connect"
        }
        finally {
            $udp | Close-Socket
        }
        { Test-SocketPort 127.0.0.1 1 -ProxyCredential (New-ProxyCredential) -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConflictingParameters,PSSocket.Commands.TestSocketPortCommand'
    }

    It 'reports a proxy that cannot be reached as ProxyFailed, not as the port''s state' {
        $closed = Get-FreeLoopbackPort
        $result = Test-SocketPort 127.0.0.1 $echo.LocalEndPoint.Port -Proxy "socks5://127.0.0.1:$closed" -Timeout 5000
        $result.Status | Should -Be 'ProxyFailed'
        $result.ErrorId | Should -Be 'ConnectionRefused'
        $result.Message | Should -Match 'proxy'
    }
}
