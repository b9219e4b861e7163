# Pester 5 tests: many sessions at once. Wait-Socket as a script uses it (Read, EndOfStream, Connect, Write, -All,
# -Timeout, Ctrl+C), byte-for-byte data after a wait, and Connect-Socket -NoWait with its Connecting state and errors.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    # A listener whose accept queue is full, so a new connect to it waits (no traffic leaves the machine).
    function New-BlockedListener {
        $listener = Start-SocketListener -Backlog 1
        $fillers = 1..4 | ForEach-Object {
            $s = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
            $null = $s.ConnectAsync('127.0.0.1', $listener.LocalEndPoint.Port)
            $s
        }
        Start-Sleep -Milliseconds 200
        [pscustomobject]@{ Listener = $listener; Fillers = $fillers; Port = $listener.LocalEndPoint.Port }
    }

    function Remove-BlockedListener($Blocked) {
        $Blocked.Fillers | ForEach-Object { $_.Dispose() }
        $Blocked.Listener | Close-Socket
    }
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Wait-Socket' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'writes only the session that has data, of many, and every byte is still there' {
        $listener = Start-SocketListener
        $clients = 1..40 | ForEach-Object { Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000 }
        $servers = 1..40 | ForEach-Object { $listener | Wait-SocketConnection -Timeout 5000 }
        $clients | Wait-Socket -Timeout 100 | Should -BeNullOrEmpty

        $payload = New-RandomBytes 70000 -Seed 16
        $servers[23] | Send-SocketData -Data $payload
        $ready = @($clients | Wait-Socket -Timeout 10000)
        $ready.Count | Should -Be 1
        $ready[0].Id | Should -Be $clients[23].Id
        $received = $ready[0] | Receive-SocketData -Count 70000 -AsByteArray -Timeout 10000
        Test-BytesEqual $payload $received | Should -BeTrue
    }

    It 'counts bytes already buffered on the session, and leaves them for the next receive' {
        $pair = New-SocketPair -Payload "one`ntwo`n"
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'one'
        $pair.Client | Wait-Socket -Timeout 0 | ForEach-Object Id | Should -Be $pair.Client.Id
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'two'
        $pair.Client | Wait-Socket -Timeout 0 | Should -BeNullOrEmpty
    }

    It 'takes -Session as an array and -For by position' {
        $a = New-SocketPair
        $b = New-SocketPair -Payload 'x'
        $ready = Wait-Socket -Session $a.Client, $b.Client Read -Timeout 10000
        $ready.Id | Should -Be $b.Client.Id
    }

    It 'waits for the end of the stream and keeps the bytes before it' {
        $pair = New-SocketPair -Payload 'last words'
        $pair.Client | Wait-Socket -For EndOfStream -Timeout 200 | Should -BeNullOrEmpty
        $pair.Server | Close-Socket
        $ready = $pair.Client | Wait-Socket -For EndOfStream -Timeout 10000
        $ready.RemoteClosed | Should -BeTrue
        $ready.BytesBuffered | Should -Be 10
        $pair.Client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be 'last words'
    }

    It 'writes a reset session, whose state then says Reset' {
        $pair = New-SocketPair -Payload 'partial'
        $pair.Server.Socket.LingerState = [Net.Sockets.LingerOption]::new($true, 0)
        $pair.Server.Socket.Close()
        $client = $pair.Client
        $ready = $client | Wait-Socket -For EndOfStream -Timeout 10000
        $ready.State | Should -Be 'Reset'
        { $client | Receive-SocketData -Count 100 -Timeout 5000 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionReset,*'
    }

    It 'writes a session that can send for -For Write' {
        $pair = New-SocketPair
        ($pair.Client | Wait-Socket -For Write -Timeout 10000).Id | Should -Be $pair.Client.Id
    }

    It 'waits for every session with -All, and writes those ready when the timeout passes' {
        $a = New-SocketPair -Payload 'a'
        $b = New-SocketPair
        $ready = @($a.Client, $b.Client | Wait-Socket -All -Timeout 300)
        $ready.Count | Should -Be 1
        $ready[0].Id | Should -Be $a.Client.Id
        $b.Server | Send-SocketData 'b'
        @($a.Client, $b.Client | Wait-Socket -All -Timeout 10000).Count | Should -Be 2
    }

    It 'sees a datagram waiting on a Udp session' {
        $udp = Start-SocketListener -Protocol Udp
        $udp | Wait-Socket -Timeout 100 | Should -BeNullOrEmpty
        $sender = Connect-Socket 127.0.0.1 $udp.LocalEndPoint.Port -Protocol Udp
        $sender | Send-SocketData 'ping'
        ($udp | Wait-Socket -Timeout 10000).Id | Should -Be $udp.Id
        ($udp | Receive-SocketData -Timeout 5000).Data | Should -Be 'ping'
    }

    It 'writes a closed session as ready, so the next command says what happened' {
        $pair = New-SocketPair
        $pair.Client | Close-Socket
        ($pair.Client | Wait-Socket -Timeout 0).State | Should -Be 'Closed'
        { $pair.Client | Receive-SocketData -Timeout 100 -ErrorAction Stop } | Should -Throw -ErrorId 'SessionClosed,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'stops promptly on Ctrl+C and leaves the session usable' {
        $pair = New-SocketPair
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule($PSSocketModulePath)
        $ps = [powershell]::Create($iss)
        try {
            $null = $ps.AddScript('param($s) Wait-Socket $s').AddArgument($pair.Client)
            $handle = $ps.BeginInvoke()
            $null = Wait-Until { $ps.InvocationStateInfo.State -eq 'Running' }
            Start-Sleep -Milliseconds 300
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.ElapsedMilliseconds | Should -BeLessThan 3000
            $handle.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $ps.Runspace.Dispose()
            $ps.Dispose()
        }
        $pair.Server | Send-SocketData 'still here'
        $pair.Client | Receive-SocketData -Count 10 -Timeout 5000 | Should -Be 'still here'
    }
}

Describe 'Connect-Socket -NoWait' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'returns the session Connecting, refuses send and receive until it connects, and Wait-Socket sees it fail' {
        $blocked = New-BlockedListener
        try {
            $session = Connect-Socket 127.0.0.1 $blocked.Port -NoWait -Timeout 1000
            $session.State | Should -Be 'Connecting'
            { $session | Send-SocketData 'early' -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectInProgress,PSSocket.Commands.SendSocketDataCommand'
            { $session | Receive-SocketData -Timeout 100 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectInProgress,PSSocket.Commands.ReceiveSocketDataCommand'
            $session | Wait-Socket -For Connect -Timeout 100 | Should -BeNullOrEmpty
            $done = $session | Wait-Socket -For Connect -Timeout 20000
            $done.State | Should -Be 'Closed'
            $done.ConnectError.ErrorId | Should -Be 'ConnectTimedOut'
        }
        finally {
            Remove-BlockedListener $blocked
        }
    }

    It 'connects many at once, and the data goes through byte for byte' {
        $listener = Start-SocketListener -Echo
        $sessions = 1..20 | ForEach-Object { Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -NoWait }
        $connected = @($sessions | Wait-Socket -For Connect -All -Timeout 20000)
        $connected.Count | Should -Be 20
        $connected.State | Select-Object -Unique | Should -Be 'Connected'
        $sessions | ForEach-Object { $_ | Send-SocketData "hello $($_.Id)" -Line }
        foreach ($s in $sessions) {
            $s | Receive-SocketData -Line -Timeout 10000 | Should -Be "hello $($s.Id)"
        }
    }

    It 'keeps the error id a blocking connect raises on the session' {
        $port = (Start-SocketListener | ForEach-Object { $p = $_.LocalEndPoint.Port; $_ | Close-Socket; $p })
        $session = Connect-Socket 127.0.0.1 $port -NoWait
        ($session | Wait-Socket -For Connect -Timeout 20000).ConnectError.ErrorId | Should -Be 'ConnectionRefused'
        { Connect-Socket 127.0.0.1 $port -Timeout 5000 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'refuses -NoWait with TLS' {
        { Connect-Socket 127.0.0.1 1 -NoWait -UseTls } | Should -Throw -ErrorId 'ConflictingParameters,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'takes -NoWait only for a new session' {
        $session = New-Socket
        { Connect-Socket 127.0.0.1 1 -Session $session -NoWait } | Should -Throw -ErrorId 'AmbiguousParameterSet,PSSocket.Commands.ConnectSocketCommand'
    }
}
