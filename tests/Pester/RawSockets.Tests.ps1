# Pester 5 tests: Raw sessions (-Protocol Raw, -IPProtocol): ICMP echo over 127.0.0.1 and ::1 built from bytes, the
# IP protocol by name and number, the IPv4 header split off, the option rules, and the privilege error in a pwsh
# started without CAP_NET_RAW. They run as root, as CI does; the xunit suite (tests/PSSocket.Tests/RawSockets) covers
# the same ground against plain raw sockets.

BeforeDiscovery {
    $notLinux = -not $IsLinux
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    function Get-InternetChecksum([byte[]] $Bytes) {
        $sum = 0
        for ($i = 0; $i -lt $Bytes.Length; $i += 2) {
            $sum += [int]$Bytes[$i] -shl 8
            if ($i + 1 -lt $Bytes.Length) { $sum += $Bytes[$i + 1] }
        }
        while ($sum -shr 16) { $sum = ($sum -band 0xFFFF) + ($sum -shr 16) }
        (-bnot $sum) -band 0xFFFF
    }

    function New-EchoRequest([bool] $V6, [int] $Identifier, [int] $Sequence, [byte[]] $Payload) {
        $message = [byte[]]::new(8 + $Payload.Length)
        $message[0] = if ($V6) { 128 } else { 8 }
        $message[4] = $Identifier -shr 8; $message[5] = $Identifier -band 0xFF
        $message[6] = $Sequence -shr 8; $message[7] = $Sequence -band 0xFF
        [Array]::Copy($Payload, 0, $message, 8, $Payload.Length)
        if (-not $V6) {
            $checksum = Get-InternetChecksum $message
            $message[2] = $checksum -shr 8; $message[3] = $checksum -band 0xFF
        }
        , $message
    }

    # The echo reply among what the raw session sees (on loopback our own request arrives too).
    function Receive-EchoReply($Session, [bool] $V6, [int] $Identifier, [int] $Sequence) {
        foreach ($i in 1..50) {
            $datagram = Receive-SocketData -Session $Session -AsByteArray -Timeout 10000
            $m = $datagram.Data
            if ($m[0] -eq $(if ($V6) { 129 } else { 0 }) -and (([int]$m[4] -shl 8) -bor $m[5]) -eq $Identifier -and (([int]$m[6] -shl 8) -bor $m[7]) -eq $Sequence) {
                return $datagram
            }
        }
        throw 'No echo reply among 50 ICMP messages.'
    }
}

AfterAll {
    Clear-TestSessions
}

Describe 'Raw sessions' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'pings 127.0.0.1 with an ICMP echo whose checksum the script computes' {
        $payload = New-RandomBytes 32 -Seed 4
        $identifier = Get-Random -Minimum 1 -Maximum 65535
        $icmp = Connect-Socket 127.0.0.1 -IPProtocol Icmp
        $icmp.Protocol | Should -Be 'Raw'
        $icmp.RemoteEndPoint.Address | Should -Be ([ipaddress]::Loopback)

        Send-SocketData -Session $icmp -Data (New-EchoRequest $false $identifier 1 $payload)
        $reply = Receive-EchoReply $icmp $false $identifier 1

        Test-BytesEqual $payload ([byte[]]$reply.Data[8..($reply.Length - 1)]) | Should -BeTrue
        Get-InternetChecksum $reply.Data | Should -Be 0
        $reply.RemoteEndPoint.Address | Should -Be ([ipaddress]::Loopback)
        $reply.IPHeader.Protocol | Should -Be 1
        $reply.IPHeader.TotalLength | Should -Be ($reply.IPHeader.HeaderLength + $reply.Length)
    }

    It 'pings ::1 with an ICMPv6 echo from an unconnected session' {
        $payload = New-RandomBytes 32 -Seed 6
        $identifier = Get-Random -Minimum 1 -Maximum 65535
        $icmp = New-Socket -IPProtocol IcmpV6 -AddressFamily IPv6

        Send-SocketData -Session $icmp -Data (New-EchoRequest $true $identifier 2 $payload) -ComputerName ::1
        $reply = Receive-EchoReply $icmp $true $identifier 2

        Test-BytesEqual $payload ([byte[]]$reply.Data[8..($reply.Length - 1)]) | Should -BeTrue
        $reply.RemoteEndPoint.Address | Should -Be ([ipaddress]::IPv6Loopback)
        $reply.IPHeader | Should -BeNullOrEmpty
    }

    It 'takes the IP protocol by name or number: <Given>' -TestCases @(
        @{ Given = 'Icmp'; Number = 1 }
        @{ Given = 'IcmpV6'; Number = 58 }
        @{ Given = '1'; Number = 1 }
        @{ Given = '253'; Number = 253 }
    ) {
        $session = New-Socket -IPProtocol $Given
        $session.Protocol | Should -Be 'Raw'
        $session.IPProtocol.Number | Should -Be $Number
    }

    It 'refuses an IP protocol that is none' {
        { New-Socket -IPProtocol 256 } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSSocket.Commands.NewSocketCommand'
        { New-Socket -IPProtocol Icmpv7 } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PSSocket.Commands.NewSocketCommand'
    }

    It 'completes IP protocol names' {
        $line = 'New-Socket -IPProtocol Icm'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain 'IcmpV6'
    }

    It 'splits the IPv4 header off what arrives and keeps it in IPHeader' {
        $receiver = New-Socket -IPProtocol 253 -LocalAddress 127.0.0.1
        $payload = New-RandomBytes 200 -Seed 8
        New-Socket -IPProtocol 253 | Send-SocketData -Data $payload -ComputerName 127.0.0.1 -PassThru | Close-Socket

        $datagram = Receive-SocketData -Session $receiver -AsByteArray -Timeout 10000
        Test-BytesEqual $payload $datagram.Data | Should -BeTrue
        $datagram.IPHeader.Protocol | Should -Be 253
        $datagram.IPHeader.Source | Should -Be ([ipaddress]::Loopback)
        $receiver.BytesReceived | Should -Be 200
    }

    It 'stops <Command> with the option rule <Rule>' -TestCases @(
        @{ Command = { New-Socket -Protocol Raw }; Rule = 'RawNeedsIPProtocol' }
        @{ Command = { New-Socket -Protocol Udp -IPProtocol Icmp }; Rule = 'IPProtocolNeedsRaw' }
        @{ Command = { New-Socket -IPProtocol Icmp -LocalPort 5000 }; Rule = 'RawHasNoPort' }
        @{ Command = { Connect-Socket 127.0.0.1 -IPProtocol Icmp -UseTls }; Rule = 'ConnectTlsNeedsStream' }
        @{ Command = { Start-SocketListener -Protocol Raw }; Rule = 'ListenerRawNotSupported' }
    ) {
        $caught = $null
        try { & $Command } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId.Split(',')[0] | Should -Be 'ConflictingParameters'
        $caught.Exception.Data['PSSocket.OptionRule'] | Should -Be $Rule
        @(Get-Socket).Count | Should -Be 0
    }

    It 'refuses stream framing on a Raw session' {
        $raw = New-Socket -IPProtocol 253 -LocalAddress 127.0.0.1
        { Receive-SocketData -Session $raw -Line -Timeout 100 -ErrorAction Stop } | Should -Throw -ErrorId 'NotAStreamSession,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'raises RawSocketNotPermitted in a pwsh without CAP_NET_RAW' -Skip:$notLinux {
        $script = @'
Import-Module $env:PSSOCKET_MANIFEST -ErrorAction Stop
New-Socket -IPProtocol Icmp -LocalAddress 127.0.0.1 -ErrorVariable e1 -ErrorAction SilentlyContinue | Out-Null
Connect-Socket 127.0.0.1 -IPProtocol Icmp -ErrorVariable e2 -ErrorAction SilentlyContinue | Out-Null
foreach ($e in @($e1) + @($e2)) { '{0}|{1}' -f $e.FullyQualifiedErrorId.Split(',')[0], $e.CategoryInfo.Category }
'@
        $manifest = (Get-Module PSSocket).Path -replace '\.dll$', '.psd1'
        # This pwsh again: its own executable, or the dotnet host running pwsh.dll (the .NET tool).
        $executable = (Get-Process -Id $PID).Path
        $start = if ((Split-Path $executable -Leaf) -like 'dotnet*') { @($executable, (Join-Path $PSHOME 'pwsh.dll')) } else { @($executable) }
        $saved = $env:PSSOCKET_MANIFEST
        $env:PSSOCKET_MANIFEST = $manifest
        try {
            $lines = @(& setpriv --inh-caps=-all --bounding-set=-net_raw @start -NoProfile -NonInteractive -Command $script)
        }
        finally {
            $env:PSSOCKET_MANIFEST = $saved
        }
        $LASTEXITCODE | Should -Be 0
        $lines | Should -Be @('RawSocketNotPermitted|PermissionDenied', 'RawSocketNotPermitted|PermissionDenied')
    }
}
