# Pester 5 tests: the session's .NET events through Register-ObjectEvent (with and without -Action), and
# Receive-SocketData -Stream over several sessions at once.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'Session events' {
    AfterEach {
        Get-EventSubscriber | Unregister-Event
        Get-Event | Remove-Event
        Get-Job | Where-Object PSJobTypeName -EQ 'PSEventJob' | Remove-Job -Force
        Get-Socket | Close-Socket
    }

    It 'DataArrived queues an event that Wait-Event returns, and consumes nothing' {
        $pair = New-SocketPair
        $null = Register-ObjectEvent -InputObject $pair.Client -EventName DataArrived -SourceIdentifier data
        $pair.Server | Send-SocketData "one`ntwo`n"

        $event = Wait-Event -SourceIdentifier data -Timeout 10
        $event | Should -Not -BeNullOrEmpty
        $event.Sender | Should -Be $pair.Client
        $event.SourceEventArgs.Session.Id | Should -Be $pair.Client.Id
        $event.SourceEventArgs.BytesBuffered | Should -Be 8
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'one'
        $pair.Client | Receive-SocketData -Line -Timeout 5000 | Should -Be 'two'
    }

    It '-Action runs on the pipeline thread for DataArrived and PeerClosed' {
        $pair = New-SocketPair
        $pipelineThread = [System.Threading.Thread]::CurrentThread.ManagedThreadId
        $action = {
            New-Event -SourceIdentifier forwarded -MessageData @{ Name = $EventArgs.GetType().Name; Thread = [System.Threading.Thread]::CurrentThread.ManagedThreadId; Text = ($Sender | Receive-SocketData -Timeout 0) }
        }
        $null = Register-ObjectEvent -InputObject $pair.Client -EventName DataArrived -Action $action
        $null = Register-ObjectEvent -InputObject $pair.Client -EventName PeerClosed -Action {
            New-Event -SourceIdentifier forwarded -MessageData @{ Name = 'PeerClosed'; Thread = [System.Threading.Thread]::CurrentThread.ManagedThreadId }
        }
        $pair.Server | Send-SocketData 'hello'
        $first = Wait-Event -SourceIdentifier forwarded -Timeout 10
        $first.MessageData.Name | Should -Be 'SocketDataEventArgs'
        $first.MessageData.Text | Should -Be 'hello'
        $first.MessageData.Thread | Should -Be $pipelineThread
        $first | Remove-Event

        $pair.Server | Close-Socket
        $second = Wait-Event -SourceIdentifier forwarded -Timeout 10
        $second.MessageData.Name | Should -Be 'PeerClosed'
    }

    It 'SessionClosed and Connected are raised once' {
        $listener = Start-SocketListener
        $client = New-Socket
        $null = Register-ObjectEvent -InputObject $client -EventName Connected -SourceIdentifier connected
        $null = Register-ObjectEvent -InputObject $client -EventName SessionClosed -SourceIdentifier closed
        $client | Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000 | Out-Null
        (Wait-Event -SourceIdentifier connected -Timeout 10).SourceEventArgs.Session.State | Should -Be 'Connected'
        $client | Close-Socket
        $client | Close-Socket
        Wait-Event -SourceIdentifier closed -Timeout 10 | Should -Not -BeNullOrEmpty
        Start-Sleep -Milliseconds 200
        @(Get-Event -SourceIdentifier closed).Count | Should -Be 1
        @(Get-Event -SourceIdentifier connected).Count | Should -Be 1
    }

    It 'Error carries the error id of a reset' {
        $pair = New-SocketPair
        $null = Register-ObjectEvent -InputObject $pair.Client -EventName Error -SourceIdentifier failed
        $null = Register-ObjectEvent -InputObject $pair.Client -EventName DataArrived -SourceIdentifier data
        $pair.Server.Socket.LingerState = [System.Net.Sockets.LingerOption]::new($true, 0)
        $pair.Server.Socket.Close()
        $event = Wait-Event -SourceIdentifier failed -Timeout 10
        $event.SourceEventArgs.ErrorId | Should -Be 'ConnectionReset'
        { $pair.Client | Receive-SocketData -Timeout 1000 -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionReset,PSSocket.Commands.ReceiveSocketDataCommand'
    }
}

Describe 'Receive-SocketData -Stream over several sessions' {
    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'writes SocketRecord objects from each session, in each session''s order' {
        $one = New-SocketPair
        $two = New-SocketPair
        $one.Server | Send-SocketData "a1`na2`na3`n"
        $two.Server | Send-SocketData "b1`nb2`n"
        $one.Server, $two.Server | Close-Socket

        $records = $one.Client, $two.Client | Receive-SocketData -Stream -Line -Timeout 10000
        $records | Should -HaveCount 5
        $records | ForEach-Object { $_ | Should -BeOfType PSSocket.Sessions.SocketRecord }
        ($records | Where-Object SessionId -EQ $one.Client.Id).Data -join ',' | Should -Be 'a1,a2,a3'
        ($records | Where-Object SessionId -EQ $two.Client.Id).Data -join ',' | Should -Be 'b1,b2'
        ($records | Format-Table | Out-String) | Should -Match 'SessionId'
    }

    It 'stops after -MaxCount and after the idle -Timeout' {
        $one = New-SocketPair -Payload 'x;y;z;'
        $two = New-SocketPair
        Receive-SocketData -Session $one.Client, $two.Client -Stream -Delimiter ';' -MaxCount 2 -Timeout 10000 | Should -HaveCount 2
        $rest = Receive-SocketData -Session $one.Client, $two.Client -Stream -Delimiter ';' -Timeout 300
        $rest.Data | Should -Be 'z'
    }

    It 'reports a session that fails with its error id and goes on with the others' {
        $one = New-SocketPair -Payload 'ab' -CloseServer
        $two = New-SocketPair -Payload 'wxyz' -CloseServer
        $records = Receive-SocketData -Session $one.Client, $two.Client -Stream -Count 4 -Timeout 10000 -ErrorVariable failures -ErrorAction SilentlyContinue
        $records.Data | Should -Be 'wxyz'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'EndOfStream,PSSocket.Commands.ReceiveSocketDataCommand'
    }

    It 'reports a listener among the sessions as ReceiveOnListener' {
        $listener = Start-SocketListener
        $one = New-SocketPair -Payload "only`n" -CloseServer
        $two = New-SocketPair -CloseServer
        $records = Receive-SocketData -Session $listener, $one.Client, $two.Client -Stream -Line -Timeout 10000 -ErrorVariable failures -ErrorAction SilentlyContinue
        $records.Data | Should -Be 'only'
        $failures[0].FullyQualifiedErrorId | Should -Be 'ReceiveOnListener,PSSocket.Commands.ReceiveSocketDataCommand'
    }
}
