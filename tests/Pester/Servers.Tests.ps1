# Pester 5 tests: the background servers of Start-SocketListener (-Echo, -Greeting, -Broadcast, -ScriptBlock),
# their jobs and counters. Run them with ./build.ps1 -Task Test, or Invoke-Pester tests/Pester after dotnet build.
# The xunit suite (tests/PSSocket.Tests/Servers) covers the same ground where pwsh is not installed.

BeforeDiscovery {
    $noNcat = (-not (Get-Command ncat -CommandType Application -ErrorAction SilentlyContinue)) -and $env:CI -ne 'true'
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    # A server accepts on its own thread, a moment after the client's connect completes.
    function Wait-ServerCount([object] $Listener, [string] $Counter, [int] $Value, [int] $Timeout = 5000) {
        $deadline = [DateTime]::UtcNow.AddMilliseconds($Timeout)
        while ($Listener.Server.$Counter -ne $Value -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 10
        }
        $Listener.Server.$Counter | Should -Be $Value
    }
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Start-SocketListener -Echo' {
    BeforeAll {
        $echo = Start-SocketListener -Echo
    }
    AfterAll {
        $echo | Close-Socket
    }

    It 'sends every byte back' {
        $bytes = [byte[]]::new(100000)
        [System.Random]::new(1).NextBytes($bytes)
        $client = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
        $client | Send-SocketData $bytes
        $back = $client | Receive-SocketData -Count $bytes.Length -AsByteArray -Timeout 5000
        [System.Linq.Enumerable]::SequenceEqual($bytes, $back) | Should -BeTrue
        $client | Close-Socket
    }

    It 'runs as a job that Get-Job lists' {
        $echo.Job.PSJobTypeName | Should -Be 'SocketListenerJob'
        $echo.Job.State | Should -Be 'Running'
        Get-Job -Id $echo.Job.Id | Should -Be $echo.Job
    }

    It 'counts its connections and bytes' {
        Wait-ServerCount $echo Active 0
        $echo.Server.Accepted | Should -Be 1
        $echo.Server.BytesReceived | Should -Be 100000
        $echo.Server.BytesSent | Should -Be 100000
    }
}

Describe 'Start-SocketListener -Greeting' {
    It 'greets each client and closes' {
        $greeter = Start-SocketListener -Greeting "220 ready`r`n"
        try {
            1..3 | ForEach-Object {
                $c = Connect-Socket 127.0.0.1 $greeter.LocalEndPoint.Port -Timeout 5000
                $c | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be "220 ready`r`n"
                $c | Close-Socket
            }
        }
        finally {
            $greeter | Close-Socket
        }
        $greeter.Job.State | Should -Be 'Completed'
    }

    It 'hands a kept-open connection over through the job' {
        $fake = Start-SocketListener -Greeting "220 ready`r`n" -KeepOpen
        try {
            $client = Connect-Socket 127.0.0.1 $fake.LocalEndPoint.Port -Timeout 5000
            $client | Receive-SocketData -Line -Timeout 5000 | Should -Be '220 ready'
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while (-not $fake.Job.HasMoreData -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            $server = Receive-Job $fake.Job
            $client | Send-SocketData 'HELO test' -Line
            $server | Receive-SocketData -Line -Timeout 5000 | Should -Be 'HELO test'
        }
        finally {
            $fake | Close-Socket
        }
    }
}

Describe 'Start-SocketListener -Broadcast' {
    BeforeAll {
        $chat = Start-SocketListener -Broadcast
        $a = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout 5000
        $b = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout 5000
        $c = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout 5000
        Wait-ServerCount $chat Active 3
    }
    AfterAll {
        $a, $b, $c, $chat | Close-Socket
    }

    It 'relays a line to the other two clients, not to the sender' {
        $a | Send-SocketData 'hello from a' -Line
        $b | Receive-SocketData -Line -Timeout 5000 | Should -Be 'hello from a'
        $c | Receive-SocketData -Line -Timeout 5000 | Should -Be 'hello from a'
        { $a | Receive-SocketData -Timeout 300 -ErrorAction Stop } | Should -Throw -ErrorId 'ReceiveTimedOut,*'
    }

    It 'says goodbye to a client that quits and goes on with the others' {
        $b | Send-SocketData 'quit' -Line
        $b | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be "Goodbye.`n"
        Wait-ServerCount $chat Active 2
        $c | Send-SocketData 'still here' -Line
        $a | Receive-SocketData -Line -Timeout 5000 | Should -Be 'still here'
    }
}

Describe 'Start-SocketListener -ScriptBlock' {
    BeforeAll {
        $server = Start-SocketListener -ScriptBlock {
            param($session, $prefix)
            $line = $session | Receive-SocketData -Line -Timeout 5000
            if ($line -eq 'boom') { throw 'handler failed on purpose' }
            if ($line -eq 'hang') { while ($true) { Start-Sleep -Milliseconds 50 } }
            $session | Send-SocketData "$prefix$line" -Line
            "handled $line"
        } -ArgumentList 'you said: ' -HandlerTimeout 500
    }
    AfterAll {
        $server | Close-Socket
    }

    It 'runs the handler with the session and the arguments' {
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $client | Send-SocketData 'hi' -Line
        $client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be "you said: hi`n"
        $client | Close-Socket
        Wait-ServerCount $server Active 0
        Receive-Job $server.Job | Should -Be 'handled hi'
    }

    It 'reports a handler that throws in the job, and serves the next client' {
        $bad = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $bad | Send-SocketData 'boom' -Line
        $null = $bad | Receive-SocketData -ToEnd -Timeout 5000
        $bad | Close-Socket
        Wait-ServerCount $server Active 0
        Receive-Job $server.Job -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HandlerFailed*'
        $server.Job.State | Should -Be 'Running'
    }

    It 'stops a hung handler after -HandlerTimeout and closes its connection' {
        $hung = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $hung | Send-SocketData 'hang' -Line
        $null = $hung | Receive-SocketData -ToEnd -Timeout 10000
        $hung.RemoteClosed | Should -BeTrue
        $hung | Close-Socket
        Wait-ServerCount $server Active 0
        Receive-Job $server.Job -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'HandlerTimedOut*'
    }
}

Describe 'Stopping a server' {
    It 'Stop-Job closes the listener and its connections' {
        $echo = Start-SocketListener -Echo
        $client = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
        Wait-ServerCount $echo Active 1
        $echo.Job | Stop-Job
        $echo.Job.State | Should -Be 'Stopped'
        $echo.State | Should -Be 'Closed'
        $null = $client | Receive-SocketData -Timeout 5000
        $client.RemoteClosed | Should -BeTrue
        $client | Close-Socket
    }

    It 'refuses and counts clients beyond -MaxConnections' {
        $echo = Start-SocketListener -Echo -MaxConnections 1
        try {
            $first = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
            Wait-ServerCount $echo Active 1
            $second = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
            $null = $second | Receive-SocketData -Timeout 5000
            $second.RemoteClosed | Should -BeTrue
            $echo.Server.Refused | Should -Be 1
        }
        finally {
            $first, $second, $echo | Where-Object { $_ } | Close-Socket
        }
    }
}

Describe 'Server jobs' {
    AfterEach {
        Clear-TestSessions
    }

    It '-AsJob writes the job instead of the listener, and -JobName names it' {
        $name = "pester-echo-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $job = Start-SocketListener -Echo -AsJob -JobName $name
        $job | Should -BeOfType System.Management.Automation.Job
        $job.Name | Should -Be $name
        (Get-Job -Name $name).Id | Should -Be $job.Id
        $job.State | Should -Be 'Running'
        $listener = Get-Socket -Role Listener
        $listener.Job.Id | Should -Be $job.Id
    }

    It 'closing the listener ends the job Completed, and Wait-Job returns' {
        $echo = Start-SocketListener -Echo
        $echo | Close-Socket
        $done = Wait-Job $echo.Job -Timeout 10
        $done.Id | Should -Be $echo.Job.Id
        $echo.Job.State | Should -Be 'Completed'
    }

    It 'Remove-Job -Force stops the server, closes the listener and removes the job' {
        $echo = Start-SocketListener -Echo
        $jobId = $echo.Job.Id
        $port = $echo.LocalEndPoint.Port
        Remove-Job $echo.Job -Force
        Get-Job -Id $jobId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $echo.State | Should -Be 'Closed'
        { Connect-Socket 127.0.0.1 $port -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionRefused,PSSocket.Commands.ConnectSocketCommand'
    }

    It 'lists the connections it accepted with the Role Accepted' {
        $echo = Start-SocketListener -Echo
        $clients = 1..3 | ForEach-Object { Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000 }
        Wait-ServerCount $echo Active 3
        Get-Socket -Role Accepted | Should -HaveCount 3
        $clients | Close-Socket
        Wait-ServerCount $echo Active 0
        Get-Socket -Role Accepted | Should -BeNullOrEmpty
    }
}

Describe 'Background servers, more' {
    AfterEach {
        Clear-TestSessions
    }

    It 'the echo server answers several clients at once, each with its own bytes' {
        $echo = Start-SocketListener -Echo
        $clients = 1..5 | ForEach-Object { Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000 }
        $payloads = 1..5 | ForEach-Object { New-RandomBytes (20000 + $_) -Seed $_ }
        for ($i = 0; $i -lt 5; $i++) { $clients[$i] | Send-SocketData $payloads[$i] }
        for ($i = 0; $i -lt 5; $i++) {
            $back = $clients[$i] | Receive-SocketData -Count $payloads[$i].Length -AsByteArray -Timeout 10000
            Test-BytesEqual $payloads[$i] $back | Should -BeTrue
        }
        Wait-ServerCount $echo Accepted 5
    }

    It 'the echo server closes its side after the client half-closes' {
        $echo = Start-SocketListener -Echo
        $client = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
        $client | Send-SocketData "last words`n" -PassThru | Close-Socket -SendOnly
        $client | Receive-SocketData -ToEnd -Timeout 5000 | Should -Be "last words`n"
        $client.RemoteClosed | Should -BeTrue
    }

    It 'an echo server on a Unix socket path' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $path = New-TestPath '.sock'
        $echo = Start-SocketListener -Echo -Path $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $client | Send-SocketData 'unix echo' -Line
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'unix echo'
        $echo | Close-Socket
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'greets with bytes exactly as given' {
        $greeting = [byte[]] (0, 1, 2, 255, 13, 10)
        $greeter = Start-SocketListener -Greeting $greeting
        $client = Connect-Socket 127.0.0.1 $greeter.LocalEndPoint.Port -Timeout 5000
        [Convert]::ToHexString(($client | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000)) | Should -Be '000102FF0D0A'
    }

    It 'the chat server leaves on a custom -QuitWord' {
        $chat = Start-SocketListener -Broadcast -QuitWord 'bye'
        $a = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout 5000
        $b = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout 5000
        Wait-ServerCount $chat Active 2
        $a | Send-SocketData 'quit' -Line
        $b | Receive-SocketData -Line -Timeout 5000 | Should -Be 'quit'
        $a | Send-SocketData 'bye' -Line
        $null = $a | Receive-SocketData -ToEnd -Timeout 5000
        $a.RemoteClosed | Should -BeTrue
        Wait-ServerCount $chat Active 1
    }

    It '-Variable passes values into the handler''s runspace' {
        $server = Start-SocketListener -ScriptBlock {
            param($session)
            $session | Send-SocketData "$greeting, $($names -join '+')" -Line
        } -Variable @{ greeting = 'hello'; names = @('a', 'b') }
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'hello, a+b'
    }

    It 'a handler''s output is kept in the job for Receive-Job, one item per output' {
        $server = Start-SocketListener -ScriptBlock {
            param($session)
            $line = $session | Receive-SocketData -Line -Timeout 5000
            "got $line"
            $line.Length
        }
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $client | Send-SocketData 'abc' -Line
        $null = $client | Receive-SocketData -ToEnd -Timeout 5000
        Wait-ServerCount $server Active 0
        Wait-Until { $server.Job.HasMoreData } | Should -BeTrue
        Receive-Job $server.Job | Should -Be 'got abc', 3
    }

    It 'queues connections beyond -ThrottleLimit and serves them in turn' {
        $server = Start-SocketListener -ScriptBlock {
            param($session)
            $line = $session | Receive-SocketData -Line -Timeout 10000
            $session | Send-SocketData "done $line" -Line
        } -ThrottleLimit 1
        $first = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $second = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        Wait-ServerCount $server Queued 1
        $second | Send-SocketData 'two' -Line
        $first | Send-SocketData 'one' -Line
        $first | Receive-SocketData -Line -Timeout 10000 | Should -Be 'done one'
        $second | Receive-SocketData -Line -Timeout 10000 | Should -Be 'done two'
        Wait-ServerCount $server Queued 0
    }

    It '-AllowedClient refuses clients from other addresses and counts them' {
        $echo = Start-SocketListener -Echo -AllowedClient 127.0.0.2
        $client = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
        $null = $client | Receive-SocketData -Timeout 5000
        $client.RemoteClosed | Should -BeTrue
        Wait-ServerCount $echo Refused 1
        $echo.Server.Active | Should -Be 0
    }

    It '-AllowedClient serves a client of an allowed subnet' {
        $echo = Start-SocketListener -Echo -AllowedClient 127.0.0.0/8
        $client = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout 5000
        $client | Send-SocketData 'allowed' -Line
        $client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'allowed'
        $echo.Server.Refused | Should -Be 0
    }

    It 'a HandlerFailed error is read with Receive-Job -ErrorAction Stop' {
        $server = Start-SocketListener -ScriptBlock { param($session) throw 'no' }
        $client = Connect-Socket 127.0.0.1 $server.LocalEndPoint.Port -Timeout 5000
        $null = $client | Receive-SocketData -ToEnd -Timeout 5000
        Wait-ServerCount $server Active 0
        Wait-Until { $server.Job.HasMoreData } | Should -BeTrue
        { Receive-Job $server.Job -ErrorAction Stop } | Should -Throw -ErrorId 'HandlerFailed'
    }

    It 'ConflictingParameters for -AllowedClient on a Unix listener' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        { Start-SocketListener -Echo -Path (New-TestPath '.sock') -AllowedClient 127.0.0.1 } |
            Should -Throw -ErrorId 'ConflictingParameters,PSSocket.Commands.StartSocketListenerCommand'
    }

    It 'serves ncat as an echo server' -Skip:$noNcat {
        $echo = Start-SocketListener -Echo
        $ncat = Start-TestProcess ncat @('127.0.0.1', "$($echo.LocalEndPoint.Port)")
        try {
            $ncat.StandardInput.Write("via ncat`n")
            $ncat.StandardInput.Flush()
            $read = $ncat.StandardOutput.ReadLineAsync()
            $read.Wait(10000) | Should -BeTrue
            $read.Result | Should -Be 'via ncat'
        }
        finally {
            Stop-TestProcess $ncat
        }
    }
}
