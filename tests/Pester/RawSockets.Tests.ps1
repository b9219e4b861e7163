# Pester 5 tests: Raw sessions (-Protocol Raw, -IPProtocol): ICMP echo over 127.0.0.1 and ::1 built from bytes, the
# IP protocol by name and number, the IPv4 header split off, the option rules, and the privilege error in a pwsh
# started without CAP_NET_RAW. They run as root, as CI does; the xunit suite (tests/PSSocket.Tests/RawSockets) covers
# the same ground against plain raw sockets.

BeforeDiscovery {
    $notLinux = -not $IsLinux
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

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

    It 'pings 127.0.0.1 and ::1 with examples/ping.ps1, whose ICMP echo is built from bytes' {
        $lines = @(& "$PSScriptRoot/../../examples/ping.ps1" -Count 2 -Timeout 10000)

        $lines | Should -Contain "PING 127.0.0.1 (127.0.0.1): Icmp echo, identifier $($PID -band 0xFFFF)"
        @($lines -match '^\d+ bytes from 127\.0\.0\.1: icmp_seq=[12] ttl=\d+ time=').Count | Should -Be 2
        @($lines -match '^\d+ bytes from ::1: icmp_seq=[12] time=').Count | Should -Be 2
    }

    It 'answers a connected ICMP session with the reply, its IPv4 header split off' {
        $icmp = Connect-Socket 127.0.0.1 -IPProtocol Icmp
        $icmp.Protocol | Should -Be 'Raw'
        $icmp.RemoteEndPoint.Address | Should -Be ([ipaddress]::Loopback)

        # Type 8 with checksum 0 is refused by the kernel, so this echo is answered only if the checksum is right:
        # the bytes below carry a precomputed one for identifier 0 and sequence 1 and no payload.
        Send-SocketData -Session $icmp -Data ([byte[]](8, 0, 0xF7, 0xFE, 0, 0, 0, 1))
        $reply = Receive-EchoReply $icmp $false 0 1

        $reply.Length | Should -Be 8
        $reply.IPHeader.Protocol | Should -Be 1
        $reply.IPHeader.TotalLength | Should -Be ($reply.IPHeader.HeaderLength + $reply.Length)
    }

    It 'pings ::1 with an ICMPv6 echo from an unconnected session' {
        $payload = New-RandomBytes 32 -Seed 6
        $identifier = Get-Random -Minimum 1 -Maximum 65535
        $icmp = New-Socket -IPProtocol IcmpV6 -AddressFamily IPv6

        # Type 128, code 0, checksum 0 (the system fills in ICMPv6 checksums), identifier, sequence 2, payload.
        $request = [byte[]](@(128, 0, 0, 0, ($identifier -shr 8), ($identifier -band 0xFF), 0, 2) + $payload)
        Send-SocketData -Session $icmp -Data $request -ComputerName ::1
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
