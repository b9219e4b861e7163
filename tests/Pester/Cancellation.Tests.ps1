# Pester 5 tests: Ctrl+C. A blocking receive, accept, connect or send runs in a runspace of its own that imported
# the module ([powershell]::Create()); the test stops that pipeline with .Stop(), as Ctrl+C does at the prompt,
# and checks that it returns promptly and that the session and the runspace stay usable.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    $iss = [initialsessionstate]::CreateDefault2()
    $iss.ImportPSModule($PSSocketModulePath)
    $stopRunspace = [runspacefactory]::CreateRunspace($iss)
    $stopRunspace.Open()

    # Starts a command in the other runspace and waits (bounded) until it is running.
    function Start-Blocking([string] $Script, [object[]] $ArgumentList = @()) {
        $ps = [powershell]::Create()
        $ps.Runspace = $stopRunspace
        $null = $ps.AddScript($Script)
        foreach ($a in $ArgumentList) { $null = $ps.AddArgument($a) }
        $handle = $ps.BeginInvoke()
        $null = Wait-Until { $ps.InvocationStateInfo.State -eq 'Running' }
        # Give the command a moment to reach its wait; if it has not, Stop() must still end it promptly.
        Start-Sleep -Milliseconds 300
        [pscustomobject]@{ PowerShell = $ps; Handle = $handle }
    }

    # Stops it as Ctrl+C does and returns how long Stop() took; the pipeline must end Stopped.
    function Stop-Blocking($Blocking) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $Blocking.PowerShell.Stop()
        $watch.Stop()
        $Blocking.Handle.IsCompleted | Should -BeTrue
        $Blocking.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $Blocking.PowerShell.Dispose()
        $watch.ElapsedMilliseconds
    }

    # Fills the accept queue of a listener that never accepts, so the next connect to it waits.
    function New-BlockedListener {
        $listener = Start-SocketListener -Backlog 1
        $fillers = 1..4 | ForEach-Object {
            $s = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
            $null = $s.ConnectAsync('127.0.0.1', $listener.LocalEndPoint.Port)
            $s
        }
        Start-Sleep -Milliseconds 200
        [pscustomobject]@{ Listener = $listener; Fillers = $fillers }
    }
}

AfterAll {
    $stopRunspace.Dispose()
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Stopping a blocking command' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'stops a receive -Line promptly and keeps the partial line' {
        $pair = New-SocketPair -Payload 'par'
        $b = Start-Blocking 'param($s) Receive-SocketData -Session $s -Line -Timeout 60000' $pair.Client
        Stop-Blocking $b | Should -BeLessThan 3000
        $pair.Client.State | Should -Be 'Connected'
        $pair.Server | Send-SocketData 'tial' -Line
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'partial'
    }

    It 'stops a receive -Count, and data that arrives later is returned by the next call' {
        $pair = New-SocketPair
        $b = Start-Blocking 'param($s) Receive-SocketData -Session $s -Count 4 -Timeout 60000' $pair.Client
        Stop-Blocking $b | Should -BeLessThan 3000
        $pair.Server | Send-SocketData 'late'
        $pair.Client | Receive-SocketData -Count 4 -Timeout 5000 | Should -Be 'late'
        $pair.Client.BytesReceived | Should -Be 4
    }

    It 'stops a receive that waits forever (-Timeout -1)' {
        $pair = New-SocketPair
        $b = Start-Blocking 'param($s) Receive-SocketData -Session $s -Timeout -1' $pair.Client
        Stop-Blocking $b | Should -BeLessThan 3000
        $pair.Server | Send-SocketData 'after'
        $pair.Client | Receive-SocketData -Timeout 5000 | Should -Be 'after'
    }

    It 'stops a -Line -Stream and the next receive gets what is left' {
        $pair = New-SocketPair -Payload "one`n"
        $b = Start-Blocking 'param($s) Receive-SocketData -Session $s -Line -Stream -Timeout 60000' $pair.Client
        Stop-Blocking $b | Should -BeLessThan 3000
        $pair.Server | Send-SocketData "two`n"
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'two'
    }

    It 'stops a -ToEnd -OutFile transfer, and the file keeps what was written' {
        $pair = New-SocketPair -Payload 'first part'
        $target = New-TestPath '.bin'
        $b = Start-Blocking 'param($s, $f) Receive-SocketData -Session $s -ToEnd -OutFile $f -Timeout 60000' $pair.Client, $target
        Stop-Blocking $b | Should -BeLessThan 3000
        $pair.Client.State | Should -Be 'Connected'
        Wait-Until { (Test-Path -LiteralPath $target) -and (Get-Item -LiteralPath $target).Length -eq 10 } | Should -BeTrue
    }

    It 'stops a receive on a UDP session, which then receives the next datagram' {
        $udp = Start-SocketListener -Protocol Udp
        $b = Start-Blocking 'param($s) Receive-SocketData -Session $s -Timeout 60000' $udp
        Stop-Blocking $b | Should -BeLessThan 3000
        $client = Connect-Socket 127.0.0.1 $udp.LocalEndPoint.Port -Protocol Udp
        $client | Send-SocketData 'dgram'
        (Receive-SocketData $udp -Timeout 5000).Data | Should -Be 'dgram'
    }

    It 'stops an accept; the connection that comes later is returned by the next accept' {
        $listener = Start-SocketListener
        $b = Start-Blocking 'param($l) Wait-SocketConnection -Listener $l -Timeout 60000' $listener
        Stop-Blocking $b | Should -BeLessThan 3000
        $listener.State | Should -Be 'Listening'
        $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000
        $accepted = $listener | Wait-SocketConnection -Timeout 5000
        $accepted.RemoteEndPoint.Port | Should -Be $client.LocalEndPoint.Port
    }

    It 'stops a connect of a given session and leaves it Created, ready to try again' {
        $blocked = New-BlockedListener
        try {
            $session = New-Socket
            $b = Start-Blocking 'param($s, $p) $s | Connect-Socket -ComputerName 127.0.0.1 -Port $p -Timeout 60000' $session, $blocked.Listener.LocalEndPoint.Port
            Stop-Blocking $b | Should -BeLessThan 3000
            $session.State | Should -Be 'Created'
            $open = Start-SocketListener
            ($session | Connect-Socket 127.0.0.1 $open.LocalEndPoint.Port -Timeout 5000).State | Should -Be 'Connected'
        }
        finally {
            $blocked.Fillers | ForEach-Object Dispose
        }
    }

    It 'stops a connect that made its own session and leaves no session behind in that runspace' {
        $blocked = New-BlockedListener
        try {
            $b = Start-Blocking 'param($p) Connect-Socket -ComputerName 127.0.0.1 -Port $p -Timeout 60000' $blocked.Listener.LocalEndPoint.Port
            Stop-Blocking $b | Should -BeLessThan 3000
            $ps = [powershell]::Create()
            $ps.Runspace = $stopRunspace
            $left = $ps.AddScript('@(Get-Socket).Count').Invoke()
            $ps.Dispose()
            $left | Should -Be 0
        }
        finally {
            $blocked.Fillers | ForEach-Object Dispose
        }
    }

    It 'ConnectTimedOut when a connect does not finish in time' {
        $blocked = New-BlockedListener
        try {
            { Connect-Socket 127.0.0.1 $blocked.Listener.LocalEndPoint.Port -Timeout 300 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ConnectTimedOut,PSSocket.Commands.ConnectSocketCommand'
        }
        finally {
            $blocked.Fillers | ForEach-Object Dispose
        }
    }

    It 'stops a send that waits for a peer that does not read' {
        $pair = New-SocketPair
        $b = Start-Blocking 'param($s) $d = [byte[]]::new(64MB); Send-SocketData -Session $s -Data $d' $pair.Client
        Stop-Blocking $b | Should -BeLessThan 3000
        $pair.Client.State | Should -Be 'Connected'
        $pair.Client.BytesSent | Should -BeLessThan 64MB
    }

    It 'leaves the runspace usable after a stop' {
        $pair = New-SocketPair
        $b = Start-Blocking 'param($s) Receive-SocketData -Session $s -Line -Timeout 60000' $pair.Client
        $null = Stop-Blocking $b
        $pair.Server | Send-SocketData 'again' -Line
        $ps = [powershell]::Create()
        $ps.Runspace = $stopRunspace
        $result = $ps.AddScript('param($s) Receive-SocketData -Session $s -Line -Timeout 5000').AddArgument($pair.Client).Invoke()
        $ps.Dispose()
        $result | Should -Be 'again'
    }
}
