# Pester 5 tests: file transfers with Send-SocketData -Path and Receive-SocketData -OutFile, byte for byte
# (compared by SHA-256), and the errors of a transfer.

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    function New-RandomFile([int] $Length, [int] $Seed) {
        $path = New-TestPath '.bin'
        [System.IO.File]::WriteAllBytes($path, (New-RandomBytes $Length -Seed $Seed))
        $path
    }
}

AfterAll {
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'File transfers' {
    BeforeEach {
        $pair = New-SocketPair
    }

    AfterEach {
        Get-Socket | Close-Socket
    }

    It 'sends a file with -Path and receives it with -ToEnd -OutFile, byte for byte' {
        $source = New-RandomFile (3MB + 17) -Seed 11
        $target = New-TestPath '.bin'
        $job = Start-PeerJob { param($session, $path) $session | Send-SocketData -Path $path -PassThru | Close-Socket -SendOnly } -ArgumentList $pair.Server, $source
        $pair.Client | Receive-SocketData -ToEnd -OutFile $target -Timeout 10000
        Receive-PeerJob $job
        (Get-FileHash $target -Algorithm SHA256).Hash | Should -Be (Get-FileHash $source -Algorithm SHA256).Hash
        $pair.Client.BytesReceived | Should -Be (3MB + 17)
        $pair.Server.BytesSent | Should -Be (3MB + 17)
    }

    It 'receives exactly -Count bytes into -OutFile and leaves the rest buffered' {
        $source = New-RandomFile 100000 -Seed 12
        $target = New-TestPath '.bin'
        $job = Start-PeerJob { param($session, $path) $session | Send-SocketData -Path $path; $session | Send-SocketData 'TRAILER' } -ArgumentList $pair.Server, $source
        $pair.Client | Receive-SocketData -Count 100000 -OutFile $target -Timeout 10000
        Receive-PeerJob $job
        (Get-FileHash $target -Algorithm SHA256).Hash | Should -Be (Get-FileHash $source -Algorithm SHA256).Hash
        $pair.Client | Receive-SocketData -Count 7 -Timeout 5000 | Should -Be 'TRAILER'
    }

    It 'writes the file info with -PassThru' {
        $target = New-TestPath '.bin'
        $pair.Server | Send-SocketData 'file body' -PassThru | Close-Socket
        $result = $pair.Client | Receive-SocketData -ToEnd -OutFile $target -PassThru -Timeout 5000
        $result | Should -BeOfType System.IO.FileInfo
        $result.FullName | Should -Be $target
        $result.Length | Should -Be 9
        Get-Content -LiteralPath $target -Raw | Should -BeExactly 'file body'
    }

    It 'sends several files in order with -Path' {
        $a = New-RandomFile 5000 -Seed 1
        $b = New-RandomFile 7000 -Seed 2
        $pair.Server | Send-SocketData -Path $a, $b -PassThru | Close-Socket
        $got = $pair.Client | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000
        $expected = [byte[]] ([System.IO.File]::ReadAllBytes($a) + [System.IO.File]::ReadAllBytes($b))
        Test-BytesEqual $expected $got | Should -BeTrue
    }

    It 'sends an empty file as nothing' {
        $empty = New-TestPath '.bin'
        $null = New-Item -ItemType File -Path $empty
        $pair.Server | Send-SocketData -Path $empty -PassThru | Close-Socket
        $pair.Server.BytesSent | Should -Be 0
        $pair.Client | Receive-SocketData -ToEnd -Timeout 5000 | Should -BeNullOrEmpty
    }

    It 'a file sent to a UnixStream peer arrives whole' -Skip:($PSVersionTable.PSEdition -ne 'Core') {
        $path = New-TestPath '.sock'
        $listener = Start-SocketListener -Path $path
        $client = Connect-Socket -Path $path -Timeout 5000
        $server = $listener | Wait-SocketConnection -Timeout 5000
        $source = New-RandomFile 400000 -Seed 13
        $target = New-TestPath '.bin'
        $job = Start-PeerJob { param($session, $p) $session | Send-SocketData -Path $p -PassThru | Close-Socket } -ArgumentList $server, $source
        $client | Receive-SocketData -ToEnd -OutFile $target -Timeout 10000
        Receive-PeerJob $job
        (Get-FileHash $target).Hash | Should -Be (Get-FileHash $source).Hash
    }

    It 'EndOfStream for a -Count -OutFile the stream ends before' {
        $target = New-TestPath '.bin'
        $pair.Server | Send-SocketData 'short' -PassThru | Close-Socket
        { $pair.Client | Receive-SocketData -Count 100 -OutFile $target -Timeout 5000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'EndOfStream,PSSocket.Commands.ReceiveSocketDataCommand'
        Get-Content -LiteralPath $target -Raw | Should -BeExactly 'short'
    }

    It 'takes an -OutFile path relative to the current location' {
        $pair.Server | Send-SocketData 'relative' -PassThru | Close-Socket
        Push-Location $TestDirectory
        try {
            $pair.Client | Receive-SocketData -ToEnd -OutFile 'relative.txt' -Timeout 5000
        }
        finally {
            Pop-Location
        }
        Get-Content -LiteralPath (Join-Path $TestDirectory 'relative.txt') -Raw | Should -BeExactly 'relative'
    }

    It 'overwrites an existing -OutFile' {
        $target = New-TestPath '.txt'
        Set-Content -LiteralPath $target -Value ('old content ' * 100)
        $pair.Server | Send-SocketData 'new' -PassThru | Close-Socket
        $pair.Client | Receive-SocketData -ToEnd -OutFile $target -Timeout 5000
        Get-Content -LiteralPath $target -Raw | Should -BeExactly 'new'
    }

    It 'NotAStreamSession for -Path on a datagram session' {
        $udp = Start-SocketListener -Protocol Udp
        $file = New-RandomFile 10 -Seed 4
        { $udp | Send-SocketData -Path $file -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotAStreamSession,PSSocket.Commands.SendSocketDataCommand'
    }
}
