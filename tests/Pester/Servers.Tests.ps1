# Pester 5 tests: the background servers of Start-SocketListener (-Echo, -Greeting, -Broadcast, -ScriptBlock),
# their jobs and counters. Run them with ./build.ps1 -Task Test, or Invoke-Pester tests/Pester after dotnet build.
# The xunit suite (tests/PSSocket.Tests/Servers) covers the same ground where pwsh is not installed.

BeforeAll {
    Import-Module "$PSScriptRoot/../../out/PSSocket/PSSocket.psd1" -Force

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
    Get-Socket | Close-Socket
    Get-Job | Where-Object PSJobTypeName -EQ 'SocketListenerJob' | Remove-Job -Force
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
