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

Describe 'Binding by property name and from the pipeline' {
    BeforeAll {
        $listener = Start-SocketListener -Port 0 -Echo
        $port = $listener.LocalEndPoint.Port
    }

    AfterAll {
        Get-Socket | Close-Socket
    }

    It 'connects to the hosts of CSV rows' {
        $session = "ComputerName,Port`n127.0.0.1,$port" | ConvertFrom-Csv | Connect-Socket -Timeout 5000
        $session.State | Should -Be 'Connected'
        $session.RemoteEndPoint.Port | Should -Be $port
        $session | Close-Socket
    }

    It 'connects to what Test-SocketPort found open, and binds its aliases' {
        $session = Test-SocketPort 127.0.0.1 $port | Where-Object Success | Connect-Socket -Timeout 5000
        $session.State | Should -Be 'Connected'
        $other = [pscustomobject]@{ CN = '127.0.0.1'; Port = $port } | Connect-Socket -Timeout 5000
        $other.State | Should -Be 'Connected'
        $session, $other | Close-Socket
    }

    It 'gets sessions by the Id of objects piped in' {
        $a = Connect-Socket 127.0.0.1 $port -Timeout 5000
        $b = Connect-Socket 127.0.0.1 $port -Timeout 5000
        ($a, $b | Get-Socket).Id | Should -Be $a.Id, $b.Id
        ([pscustomobject]@{ Id = $b.Id } | Get-Socket).Id | Should -Be $b.Id
        $a, $b | Close-Socket
    }

    It 'streams the files piped in, and sends a -LiteralPath' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "pssocket-surface-$PID"
        New-Item -ItemType Directory $dir -Force | Out-Null
        try {
            Set-Content -LiteralPath (Join-Path $dir 'a[1].log') -Value 'one' -NoNewline
            Set-Content -LiteralPath (Join-Path $dir 'b.log') -Value 'two' -NoNewline
            $session = Connect-Socket 127.0.0.1 $port -Timeout 5000
            Get-ChildItem -LiteralPath $dir -Filter *.log | Sort-Object Name | Send-SocketData -Session $session
            $session | Receive-SocketData -Count 6 -Timeout 5000 | Should -Be 'onetwo'
            Send-SocketData -Session $session -LiteralPath (Join-Path $dir 'a[1].log')
            $session | Receive-SocketData -Count 3 -Timeout 5000 | Should -Be 'one'
            Get-Item -LiteralPath (Join-Path $dir 'b.log') | Send-SocketData -Session $session -LiteralPath { $_.PSPath }
            $session | Receive-SocketData -Count 3 -Timeout 5000 | Should -Be 'two'
            { Send-SocketData -Session $session -LiteralPath (Join-Path $dir 'missing.log') -ErrorAction Stop } | Should -Throw -ErrorId 'PathNotFound,PSSocket.Commands.SendSocketDataCommand'
            $session | Close-Socket
        } finally {
            Remove-Item -LiteralPath $dir -Recurse -Force
        }
    }

    It 'takes the data from the pipeline with the session as the first argument' {
        $session = Connect-Socket 127.0.0.1 $port -Timeout 5000
        'ab' | Send-SocketData $session
        $session | Send-SocketData 'cd'
        $session | Receive-SocketData -Count 4 -Timeout 5000 | Should -Be 'abcd'
        $session | Close-Socket
    }
}

Describe 'An array made only of bytes' {
    It 'goes as one datagram' {
        $udp = Start-SocketListener -Protocol Udp -Port 0
        $sender = Connect-Socket -Protocol Udp -ComputerName 127.0.0.1 -Port $udp.LocalEndPoint.Port
        try {
            $data = [byte[]](1, 2) + [byte[]](3)
            $data.GetType().Name | Should -Be 'Object[]'
            Send-SocketData -Session $sender -Data $data
            , $data | Send-SocketData -Session $sender
            $first = $udp | Receive-SocketData -AsByteArray -Timeout 5000
            $second = $udp | Receive-SocketData -AsByteArray -Timeout 5000
            $first.Length | Should -Be 3
            $second.Length | Should -Be 3
            $first.Data | Should -Be 1, 2, 3
        } finally {
            $sender, $udp | Close-Socket
        }
    }
}

Describe 'ShouldProcess' {
    It 'closes nothing with -WhatIf, and does not prompt by default' {
        $listener = Start-SocketListener -Port 0
        $listener | Close-Socket -WhatIf
        $listener.State | Should -Be 'Listening'
        (Get-Command Close-Socket).Parameters.Keys | Should -Contain 'Confirm'
        $listener | Close-Socket
        $listener.State | Should -Be 'Closed'
    }

    It 'keeps a stale Unix socket file with -WhatIf and replaces it otherwise' -Skip:($IsWindows) {
        $path = Join-Path ([IO.Path]::GetTempPath()) "pssocket-stale-$PID.sock"
        # The runtime removes the path it bound on dispose; a file moved away from it stays, as a killed listener leaves it.
        $socket = [System.Net.Sockets.Socket]::new('Unix', 'Stream', 'Unspecified')
        $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new("$path.b"))
        Move-Item "$path.b" $path
        $socket.Dispose()
        try {
            Test-Path $path | Should -BeTrue
            { Start-SocketListener -Protocol UnixStream -Path $path -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'AddressInUse,PSSocket.Commands.StartSocketListenerCommand'
            Test-Path $path | Should -BeTrue
            $listener = Start-SocketListener -Protocol UnixStream -Path $path
            $listener.State | Should -Be 'Listening'
            $listener | Close-Socket
        } finally {
            Remove-Item $path -ErrorAction Ignore
        }
    }
}

Describe 'Completers' {
    BeforeAll {
        $listener = Start-SocketListener -Port 0
    }

    AfterAll {
        $listener | Close-Socket
    }

    It 'completes session ids with their end points as tooltips' {
        $matches = (TabExpansion2 'Get-Socket -Id ' 15).CompletionMatches
        $match = $matches | Where-Object CompletionText -EQ "$($listener.Id)"
        $match | Should -Not -BeNullOrEmpty
        $match.ToolTip | Should -Match ([regex]::Escape("$($listener.LocalEndPoint)"))
    }

    It 'completes -Session of every cmdlet with a Get-Socket call' {
        foreach ($line in 'Send-SocketData -Session ', 'Receive-SocketData -Session ', 'Close-Socket -Session ', 'Wait-SocketConnection -Listener ', 'Start-SocketTls -Session ', 'Connect-Socket -Session ') {
            $texts = (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText
            $texts | Should -Contain "(Get-Socket -Id $($listener.Id))" -Because $line
        }
    }

    It 'offers and accepts the encodings as pwsh 7 names them' {
        $names = 'utf8', 'utf8BOM', 'utf8NoBOM', 'ascii', 'ansi', 'oem', 'unicode', 'bigendianunicode', 'utf32', 'bigendianutf32', 'latin1'
        (TabExpansion2 'Send-SocketData -Encoding ' 26).CompletionMatches.CompletionText | Should -Be $names
        foreach ($name in $names) {
            $session = New-Socket -Encoding $name
            $session.Encoding | Should -Not -BeNullOrEmpty
            $session | Close-Socket
        }
    }

    It 'offers only the states an open session can be in' {
        $states = (TabExpansion2 'Get-Socket -State ' 18).CompletionMatches.CompletionText
        $states | Should -Contain 'Listening'
        $states | Should -Not -Contain 'Closed'
    }
}

Describe 'Waiting for a background server' {
    It 'returns the counters once two chat members are connected' {
        $chat = Start-SocketListener -Port 0 -Broadcast
        try {
            $members = 1..2 | ForEach-Object { Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout 5000 }
            $server = $chat | Wait-SocketConnection -Active 2 -Timeout 10000
            $server.Active | Should -Be 2
            $members | Close-Socket
            ($chat | Wait-SocketConnection -Served 2 -Timeout 10000).Accepted | Should -Be 2
        } finally {
            $chat | Close-Socket
        }
    }

    It 'times out with ServerWaitTimedOut' {
        $echo = Start-SocketListener -Port 0 -Echo
        try {
            { $echo | Wait-SocketConnection -Accepted 1 -Timeout 100 -ErrorAction Stop } | Should -Throw -ErrorId 'ServerWaitTimedOut,PSSocket.Commands.WaitSocketConnectionCommand'
        } finally {
            $echo | Close-Socket
        }
    }
}

Describe 'Narration' {
    It 'says what each step of a cycle did with -Verbose, and socket details with -Debug' {
        $lines = & {
            $l = Start-SocketListener -Port 0 -Verbose -Debug
            $c = Connect-Socket localhost $l.LocalEndPoint.Port -Timeout 5000 -Verbose
            $a = $l | Wait-SocketConnection -Timeout 5000 -Verbose
            $c | Send-SocketData "hi`n" -Verbose
            $null = $a | Receive-SocketData -Line -Timeout 5000 -Verbose -Debug
            $c | Close-Socket -SendOnly -Verbose
            $a, $c, $l | Close-Socket -Verbose
            $null = Test-SocketPort 127.0.0.1 1 -Timeout 5000 -Verbose
        } 4>&1 5>&1 | ForEach-Object { "$_" }
        $text = $lines -join "`n"
        $text | Should -Match 'listener on 127\.0\.0\.1:\d+, bound and listening'
        $text | Should -Match 'localhost resolved to'
        $text | Should -Match '127\.0\.0\.1:\d+: connected after'
        $text | Should -Match 'accepted session \d+ from 127\.0\.0\.1:\d+'
        $text | Should -Match 'Sent 3 bytes'
        $text | Should -Match 'Received 2 bytes \(-Line\)'
        $text | Should -Match 'half-close'
        $text | Should -Match 'Closed session \d+ .*: sent 3 and received 0 bytes'
        $text | Should -Match 'Test-SocketPort: 1 of 1 checked: 0 open, 1 refused, 0 timed out, 0 other, in \d+ ms'
        $text | Should -Match 'bytes buffered before the receive'
    }

    It 'is silent without -Verbose and -Debug' {
        $lines = & {
            $l = Start-SocketListener -Port 0
            $c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 5000
            $c | Send-SocketData 'x'
            $c, $l | Close-Socket
        } 4>&1 5>&1
        $lines | Should -BeNullOrEmpty
    }
}
