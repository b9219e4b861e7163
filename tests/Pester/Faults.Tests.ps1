# Fault injection and trace on a relay (Start-SocketListener -ForwardTo with -Fault and -TraceFile; New-, Set- and
# Clear-SocketFault): each fault against a small client script, as a user's Pester test would use it. Times are
# asserted only as lower bounds; bytes and error ids exactly. Run with Invoke-Pester after dotnet build.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    # A relay in front of an echo server; -Fault and -TraceFile as given.
    function Start-FaultRelay([hashtable] $Options = @{}) {
        $script:echo = Start-SocketListener -Echo
        Start-SocketListener -ForwardTo "127.0.0.1:$($script:echo.LocalEndPoint.Port)" @Options
    }

    function Connect-Relay($Relay) {
        Connect-Socket 127.0.0.1 $Relay.LocalEndPoint.Port -Timeout 10000
    }
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Faults on a relay' {
    AfterEach {
        Clear-TestSessions
    }

    Describe 'A stall' {
        It 'makes a client with a 1 s timeout report a timeout, and the held bytes flow on when it is lifted' {
            $relay = Start-FaultRelay
            $client = Connect-Relay $relay
            $client | Send-SocketData "before`n"
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'before'

            $relay.Job | Set-SocketFault -Stall
            $client | Send-SocketData "held`n"
            { $client | Receive-SocketData -Line -Timeout 1000 -ErrorAction Stop } | Should -Throw -ErrorId 'ReceiveTimedOut,*'

            $relay | Clear-SocketFault
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'held'
        }

        It 'with -StallDuration holds the bytes for a time only' {
            $relay = Start-FaultRelay
            $client = Connect-Relay $relay
            $relay | Set-SocketFault -StallDuration 500
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $client | Send-SocketData "later`n"
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'later'
            $clock.ElapsedMilliseconds | Should -BeGreaterOrEqual 400
        }
    }

    Describe 'Split writes' {
        It 'lets a line reader get the whole line from writes of 1 byte' {
            $trace = New-TestPath '.txt'
            $relay = Start-FaultRelay @{ Fault = (New-SocketFault -SplitSize 1); TraceFile = $trace }
            $client = Connect-Relay $relay
            $client | Send-SocketData "one line`n"
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'one line'
            $relay | Close-Socket
            Wait-Until { (Get-Content $trace -Raw) -match 'target->client.*at offset 8' } -Timeout 10000 | Should -BeTrue
            @(Select-String -Path $trace -Pattern '^> .* client->target .*: 1 bytes at offset').Count | Should -Be 9
        }
    }

    Describe 'A cut after N bytes' {
        It 'surfaces a reset after 100 bytes as ConnectionReset, turned on in the middle of a connection' {
            $relay = Start-FaultRelay
            $client = Connect-Relay $relay
            $client | Send-SocketData "fine`n"
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'fine'

            $relay | Set-SocketFault -Direction ClientToTarget -ResetAfter 100
            $client | Send-SocketData ('x' * 200)
            { $client | Receive-SocketData -Count 200 -AsByteArray -Timeout 10000 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionReset,*'
            Wait-Until { $relay.Job | Receive-Job -Keep } -Timeout 10000 | Should -BeTrue
            $summary = $relay.Job | Receive-Job -Keep | Select-Object -First 1
            $summary.BytesClientToTarget | Should -Be 100
            $summary.Reason | Should -Match 'reset after 100 bytes'
        }

        It 'closes in order after N bytes: the client reads exactly those, then the end of the stream' {
            $relay = Start-FaultRelay @{ Fault = (New-SocketFault -Direction TargetToClient -CloseAfter 10) }
            $client = Connect-Relay $relay
            $client | Send-SocketData "0123456789abcdef`n"
            $bytes = $client | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000
            [Text.Encoding]::ASCII.GetString($bytes) | Should -Be '0123456789'
        }
    }

    Describe 'Refused connections' {
        It 'closes new clients at once and serves them again when the refusal is lifted; open ones go on' {
            $relay = Start-FaultRelay
            $open = Connect-Relay $relay
            $open | Send-SocketData "open`n"
            $open | Receive-SocketData -Line -Timeout 10000 | Should -Be 'open'
            $relay | Set-SocketFault -RefuseConnection

            $refused = Connect-Relay $relay
            $bytes = $refused | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000 -ErrorAction SilentlyContinue
            @($bytes).Count | Should -Be 0
            $open | Send-SocketData "still here`n"
            $open | Receive-SocketData -Line -Timeout 10000 | Should -Be 'still here'

            $relay | Set-SocketFault -RefuseConnection:$false
            $served = Connect-Relay $relay
            $served | Send-SocketData "served`n"
            $served | Receive-SocketData -Line -Timeout 10000 | Should -Be 'served'
        }
    }

    Describe 'Latency and bandwidth' {
        It 'adds at least the latency to a round trip, in the direction given' {
            $relay = Start-FaultRelay @{ Fault = (New-SocketFault -Direction TargetToClient -Latency 300 -Jitter 50 -Seed 1) }
            $client = Connect-Relay $relay
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $client | Send-SocketData "ping`n"
            $client | Receive-SocketData -Line -Timeout 10000 | Should -Be 'ping'
            $clock.ElapsedMilliseconds | Should -BeGreaterOrEqual 240
        }

        It 'makes 3000 bytes at 2000 bytes per second take at least a second, every byte delivered' {
            $relay = Start-FaultRelay @{ Fault = (New-SocketFault -Direction ClientToTarget -BytesPerSecond 2000) }
            $client = Connect-Relay $relay
            $payload = [byte[]]::new(3000)
            (New-Object Random 5).NextBytes($payload)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $client | Send-SocketData $payload
            $echoed = $client | Receive-SocketData -Count 3000 -AsByteArray -Timeout 20000
            $clock.ElapsedMilliseconds | Should -BeGreaterOrEqual 900
            [Convert]::ToBase64String($echoed) | Should -Be ([Convert]::ToBase64String($payload))
        }

        It 'with -Scope NewConnections leaves the open connection as it was' {
            $relay = Start-FaultRelay
            $open = Connect-Relay $relay
            # A round trip first: the relay makes a connection's flows once it has reached the target.
            $open | Send-SocketData "open`n"
            $open | Receive-SocketData -Line -Timeout 10000 | Should -Be 'open'
            $relay | Set-SocketFault -Scope NewConnections -Stall
            $open | Send-SocketData "free`n"
            $open | Receive-SocketData -Line -Timeout 10000 | Should -Be 'free'
            $stalled = Connect-Relay $relay
            $stalled | Send-SocketData "held`n"
            { $stalled | Receive-SocketData -Line -Timeout 1000 -ErrorAction Stop } | Should -Throw -ErrorId 'ReceiveTimedOut,*'
            $relay | Clear-SocketFault
            $stalled | Receive-SocketData -Line -Timeout 10000 | Should -Be 'held'
        }
    }

    Describe 'The trace file' {
        It 'shows both directions with their marker, connection, offset, hex and text' {
            $trace = New-TestPath '.txt'
            $relay = Start-FaultRelay @{ TraceFile = $trace }
            $client = Connect-Relay $relay
            $client | Send-SocketData "GET / HTTP/1.0`r`n"
            $client | Receive-SocketData -Count 16 -Timeout 10000 | Should -Not -BeNullOrEmpty
            $client | Close-Socket
            Wait-Until { @(Select-String -Path $trace -Pattern 'end of stream after 16 bytes').Count -eq 2 } -Timeout 10000 | Should -BeTrue
            $relay | Close-Socket
            $lines = Get-Content $trace
            $lines | Should -Contain '[0000]   47 45 54 20 2F 20 48 54  54 50 2F 31 2E 30 0D 0A   GET / HTTP/1.0..'
            $lines | Where-Object { $_ -match "^> \S+Z connection \d+ client->target 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:$($echo.LocalEndPoint.Port): 16 bytes at offset 0$" } | Should -Not -BeNullOrEmpty
            $lines | Where-Object { $_ -match '^< \S+Z connection \d+ target->client .*: 16 bytes at offset 0$' } | Should -Not -BeNullOrEmpty
        }

        It 'raises TraceFileFailed for a file that cannot be made' {
            $echo = Start-SocketListener -Echo
            $missing = Join-Path (New-TestPath) 'no/such/dir/trace.txt'
            { Start-SocketListener -ForwardTo "127.0.0.1:$($echo.LocalEndPoint.Port)" -TraceFile $missing -ErrorAction Stop } |
                Should -Throw -ErrorId 'TraceFileFailed,*'
        }
    }

    Describe 'Bad fault values' {
        It 'raises <Id> for <Line>' -ForEach @(
            @{ Line = 'New-SocketFault -Latency -1'; Id = 'InvalidFaultValue' }
            @{ Line = 'New-SocketFault -DropRate 1.5'; Id = 'InvalidFaultValue' }
            @{ Line = 'New-SocketFault -ReorderRate -0.1'; Id = 'InvalidFaultValue' }
            @{ Line = 'New-SocketFault -ResetAfter -2'; Id = 'InvalidFaultValue' }
            @{ Line = 'New-SocketFault -Stall -StallDuration 100'; Id = 'ConflictingParameters' }
        ) {
            { Invoke-Expression $Line -ErrorAction Stop } | Should -Throw -ErrorId "$Id,*"
        }

        It 'raises NoRelayFaults for a listener that is not a relay' {
            $echo = Start-SocketListener -Echo
            { $echo | Set-SocketFault -Latency 10 -ErrorAction Stop } | Should -Throw -ErrorId 'NoRelayFaults,*'
            { $echo | Clear-SocketFault -ErrorAction Stop } | Should -Throw -ErrorId 'NoRelayFaults,*'
        }

        It 'shows what a fault set holds' {
            $faults = New-SocketFault -Direction ClientToTarget -Latency 100 -SplitSize 2 -Seed 3
            "$faults" | Should -Be 'ClientToTarget: Latency=100ms, SplitSize=2'
            $faults.Seed | Should -Be 3
            $faults | Set-SocketFault -RefuseConnection -PassThru | ForEach-Object RefusesNewConnections | Should -BeTrue
        }
    }
}
