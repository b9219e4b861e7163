# Pester 5 tests: Start-SocketListener -ForwardTo (the relay) between real peers nobody here wrote. curl,
# socat and openssl s_client are the clients; nginx (plain, TLS and on a Unix socket) and a socat `cat` are the
# targets, each started with its own configuration on loopback and stopped by its process id. Every byte is
# compared. A missing tool skips its tests, except under CI=true, where they run and fail.

BeforeDiscovery {
    . "$PSScriptRoot/_Common.ps1"
    $ci = $env:CI -eq 'true'
    $NoNginx = -not $ci -and -not (Get-Command nginx -ErrorAction SilentlyContinue)
    $NoTools = -not $ci -and -not ((Get-Command curl, socat, openssl -ErrorAction SilentlyContinue).Count -eq 3)
    Remove-TestDirectory
}

BeforeAll {
    . "$PSScriptRoot/_Common.ps1"

    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    function Start-Peer([string] $Name, [string] $FilePath, [string[]] $ArgumentList) {
        $log = Join-Path $TestDirectory $Name
        Start-Process -FilePath $FilePath -ArgumentList $ArgumentList -PassThru `
            -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -RedirectStandardInput '/dev/null'
    }

    function Stop-Peer($Process) {
        if (-not $Process) { return }
        if (-not $Process.HasExited) {
            & kill -TERM $Process.Id 2>$null
            if (-not $Process.WaitForExit(5000)) { Stop-Process -Id $Process.Id -Force -ErrorAction SilentlyContinue; $null = $Process.WaitForExit(5000) }
        }
        $Process.Dispose()
    }

    # Runs a shell pipeline (a real client with its input and output in files) and waits for it, bounded.
    function Invoke-Client([string] $Command, [int] $Timeout = 60000) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('bash')
        $info.ArgumentList.Add('-c')
        $info.ArgumentList.Add($Command)
        $info.UseShellExecute = $false
        $info.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($info)
        try {
            $errors = $p.StandardError.ReadToEndAsync()
            if (-not $p.WaitForExit($Timeout)) { throw "The client did not finish: $Command" }
            $p.WaitForExit()
            if ($p.ExitCode -ne 0) { Write-Host "client: $Command -> $($p.ExitCode): $($errors.Result)" }
            $p.ExitCode
        }
        finally { Stop-Peer $p }
    }

    function Get-Summaries($Relay) {
        $null = Wait-Until -Timeout 10000 { $Relay.Job.HasMoreData }
        Start-Sleep -Milliseconds 200
        Receive-Job $Relay.Job -ErrorAction SilentlyContinue
    }

    $Certs = New-TestCertificateSet
    $ServerPem = Export-TestPem $Certs.Server
    $CaPem = Export-TestPem $Certs.CA
    $Blob = New-RandomBytes (3MB + 17) -Seed 13
    $WebRoot = Join-Path $TestDirectory 'www'
    $null = New-Item -ItemType Directory -Path $WebRoot
    [System.IO.File]::WriteAllBytes((Join-Path $WebRoot 'blob.bin'), $Blob)

    if ((Get-Command nginx -ErrorAction SilentlyContinue) -or $env:CI -eq 'true') {
        $NginxPort = Get-FreePort
        $NginxTlsPort = Get-FreePort
        $NginxSocket = New-TestPath '.sock'
        $dir = Join-Path $TestDirectory 'nginx'
        $null = New-Item -ItemType Directory -Path $dir
        Set-Content -LiteralPath "$dir/nginx.conf" -Value @"
daemon off;
master_process off;
user root;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$NginxPort;
    listen 127.0.0.1:$NginxTlsPort ssl;
    listen unix:$NginxSocket;
    ssl_certificate $($ServerPem.Certificate);
    ssl_certificate_key $($ServerPem.Key);
    root $WebRoot;
  }
}
"@
        $Nginx = Start-Peer 'nginx' 'nginx' @('-c', "$dir/nginx.conf", '-p', "$dir/", '-e', "$dir/error.log")
        $ready = Wait-Until -Timeout 15000 { $Nginx.HasExited -or ((Test-SocketPort 127.0.0.1 $NginxPort -Timeout 500 -Quiet) -and (Test-Path $NginxSocket)) }
        if (-not $ready -or $Nginx.HasExited) { throw "nginx did not start: $(Get-Content "$dir/error.log" -Raw -ErrorAction SilentlyContinue)" }
    }
}

AfterAll {
    Stop-Peer $Nginx
    Clear-TestSessions
    Remove-TestDirectory
}

Describe 'A relay in front of nginx' -Skip:($NoNginx -or $NoTools) {
    AfterEach { Clear-TestSessions }

    It 'carries an HTTP download from curl byte for byte and reports the connection' {
        $relay = Start-SocketListener -ForwardTo "127.0.0.1:$NginxPort"
        $out = New-TestPath '.bin'
        Invoke-Client "curl -sS -f -o '$out' http://127.0.0.1:$($relay.LocalEndPoint.Port)/blob.bin" | Should -Be 0
        Test-BytesEqual $Blob ([System.IO.File]::ReadAllBytes($out)) | Should -BeTrue

        $summary = Get-Summaries $relay | Where-Object { $_ -is [PSSocket.Relays.RelayConnectionSummary] } | Select-Object -First 1
        $summary.Ending | Should -Be 'Closed'
        $summary.Target | Should -Be "127.0.0.1:$NginxPort"
        $summary.BytesTargetToClient | Should -BeGreaterThan $Blob.Length
        $summary.BytesClientToTarget | Should -BeGreaterThan 0
        $relay.Server.Accepted | Should -Be 1
    }

    It 'terminates TLS for openssl s_client, which validates the certificate, in front of plain HTTP' {
        $relay = Start-SocketListener -Certificate $Certs.Server -ForwardTo "127.0.0.1:$NginxPort"
        $out = New-TestPath '.bin'
        $request = New-TestPath '.req'
        [System.IO.File]::WriteAllBytes($request, [System.Text.Encoding]::ASCII.GetBytes("GET /blob.bin HTTP/1.0`r`nHost: localhost`r`n`r`n"))
        Invoke-Client ("openssl s_client -quiet -verify_return_error -CAfile '$($CaPem.Certificate)' -servername localhost " +
            "-connect 127.0.0.1:$($relay.LocalEndPoint.Port) < '$request' > '$out'") | Should -Be 0
        $answer = [System.IO.File]::ReadAllBytes($out)
        $text = [System.Text.Encoding]::ASCII.GetString($answer, 0, 200)
        $text | Should -Match '^HTTP/1.1 200'
        $body = $answer[($answer.Length - $Blob.Length)..($answer.Length - 1)]
        Test-BytesEqual $Blob $body | Should -BeTrue
    }

    It 'originates validated TLS towards nginx for a plaintext curl' {
        $relay = Start-SocketListener -ForwardTo "localhost:$NginxTlsPort" -AddressFamily IPv4 -ForwardUseTls -ForwardTrustedCertificate $Certs.CA
        $out = New-TestPath '.bin'
        Invoke-Client "curl -sS -f -o '$out' http://127.0.0.1:$($relay.LocalEndPoint.Port)/blob.bin" | Should -Be 0
        Test-BytesEqual $Blob ([System.IO.File]::ReadAllBytes($out)) | Should -BeTrue
    }

    It 'refuses a target whose certificate it cannot validate, with RelayTargetUnreachable in the job' {
        $relay = Start-SocketListener -ForwardTo "127.0.0.1:$NginxTlsPort" -ForwardUseTls -ForwardServerName localhost
        Invoke-Client "curl -sS -o /dev/null http://127.0.0.1:$($relay.LocalEndPoint.Port)/blob.bin" | Should -Not -Be 0
        $null = Wait-Until -Timeout 10000 { $relay.Job.HasMoreData }
        $received = Receive-Job $relay.Job -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RelayTargetUnreachable*'
        ($received | Where-Object { $_ -is [PSSocket.Relays.RelayConnectionSummary] }).Ending | Should -Be 'TargetUnreachable'
    }

    It 'exposes nginx''s Unix socket on TCP for curl' {
        $relay = Start-SocketListener -ForwardTo $NginxSocket
        $out = New-TestPath '.bin'
        Invoke-Client "curl -sS -f -o '$out' http://127.0.0.1:$($relay.LocalEndPoint.Port)/blob.bin" | Should -Be 0
        Test-BytesEqual $Blob ([System.IO.File]::ReadAllBytes($out)) | Should -BeTrue
    }

    It 'exposes nginx''s TCP port on a Unix socket for curl --unix-socket' {
        $path = New-TestPath '.sock'
        $null = Start-SocketListener -Path $path -ForwardTo "127.0.0.1:$NginxPort"
        $out = New-TestPath '.bin'
        Invoke-Client "curl -sS -f --unix-socket '$path' -o '$out' http://localhost/blob.bin" | Should -Be 0
        Test-BytesEqual $Blob ([System.IO.File]::ReadAllBytes($out)) | Should -BeTrue
    }
}

Describe 'A relay between socat peers' -Skip:$NoTools {
    AfterEach { Clear-TestSessions }

    It 'carries the client''s half-close to the target and the rest of the answer back' {
        # The target is socat running cat: it answers until it has read the end of the stream, then closes.
        $catPort = Get-FreePort
        $cat = Start-Peer 'socat-cat' 'socat' @("TCP-LISTEN:$catPort,bind=127.0.0.1,reuseaddr", 'EXEC:cat')
        try {
            $null = Wait-Until -Timeout 10000 { Test-SocketPort 127.0.0.1 $catPort -Timeout 500 -Quiet }
            # Test-SocketPort used the one connection this socat serves; start it again for the relay.
            Stop-Peer $cat
            $cat = Start-Peer 'socat-cat' 'socat' @("TCP-LISTEN:$catPort,bind=127.0.0.1,reuseaddr", 'EXEC:cat')
            Start-Sleep -Milliseconds 300
            $relay = Start-SocketListener -ForwardTo "127.0.0.1:$catPort"
            $in = New-TestPath '.bin'
            $out = New-TestPath '.bin'
            $payload = New-RandomBytes (2MB + 5) -Seed 21
            [System.IO.File]::WriteAllBytes($in, $payload)
            Invoke-Client "socat -t 30 - TCP:127.0.0.1:$($relay.LocalEndPoint.Port) < '$in' > '$out'" | Should -Be 0
            Test-BytesEqual $payload ([System.IO.File]::ReadAllBytes($out)) | Should -BeTrue

            $summary = Get-Summaries $relay | Where-Object { $_ -is [PSSocket.Relays.RelayConnectionSummary] }
            $summary.Ending | Should -Be 'Closed'
            $summary.BytesClientToTarget | Should -Be $payload.Length
            $summary.BytesTargetToClient | Should -Be $payload.Length
        }
        finally { Stop-Peer $cat }
    }

    It 'closes the client of an unreachable target and reports it with an id' {
        $closed = Get-FreePort
        $relay = Start-SocketListener -ForwardTo "127.0.0.1:$closed"
        $client = Connect-Socket 127.0.0.1 $relay.LocalEndPoint.Port
        Receive-SocketData $client -ToEnd -Timeout 10000 | Should -BeNullOrEmpty
        $null = Wait-Until -Timeout 10000 { $relay.Job.HasMoreData }
        $null = Receive-Job $relay.Job -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RelayTargetUnreachable*'
        $failures[0].Exception.Message | Should -Match "127.0.0.1:$closed"
    }

    It 'stops a relay option that makes no sense with ConflictingParameters' {
        { Start-SocketListener -ForwardTo 127.0.0.1:1 -ForwardServerName example.test -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConflictingParameters*'
    }
}

Describe 'A UDP relay in front of a socat echo' -Skip:$NoTools {
    It 'relays each datagram of a PSSocket UDP client to the target and its replies back, byte for byte' {
        $echoPort = Get-FreePort
        $echo = Start-Peer 'socat-udp-echo' 'socat' @("UDP-RECVFROM:$echoPort,bind=127.0.0.1,fork", 'EXEC:cat')
        try {
            Start-Sleep -Milliseconds 300
            $relay = Start-SocketListener -Protocol Udp -ForwardTo "127.0.0.1:$echoPort" -ReceiveTimeout 500
            $relay.Job | Should -BeOfType ([PSSocket.Hosting.SocketListenerJob])
            $client = Connect-Socket 127.0.0.1 $relay.LocalEndPoint.Port -Protocol Udp
            $payload = New-RandomBytes 1200 -Seed 31
            $client | Send-SocketData -Data $payload
            $reply = Receive-SocketData $client -AsByteArray -Timeout 10000
            Test-BytesEqual $payload ([byte[]] $reply.Data) | Should -BeTrue
            $reply.RemoteEndPoint.Port | Should -Be $relay.LocalEndPoint.Port

            # Idle for -ReceiveTimeout: the association ends and its summary says so.
            $summary = Get-Summaries $relay | Where-Object { $_ -is [PSSocket.Relays.RelayConnectionSummary] }
            $summary.Ending | Should -Be 'Idle'
            $summary.BytesClientToTarget | Should -Be 1200
            $summary.BytesTargetToClient | Should -Be 1200
            $relay.Server.Accepted | Should -Be 1
            # The relay owns the listener's datagrams.
            { Receive-SocketData $relay -Timeout 100 -ErrorAction Stop } | Should -Throw -ErrorId 'ListenerInUse*'
            Close-Socket $client
            Close-Socket $relay
        }
        finally { Stop-Peer $echo }
    }

    It 'refuses -ForwardTo on a UnixDatagram listener with ConflictingParameters' {
        { Start-SocketListener -Path (New-TestPath '.sock') -Protocol UnixDatagram -ForwardTo 127.0.0.1:1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConflictingParameters*'
    }
}
