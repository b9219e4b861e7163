<#
.SYNOPSIS
    The Node-style crawler: fetches N pages from a local nginx at once in one thread, driven by the sessions'
    DataArrived and PeerClosed events.

.DESCRIPTION
    Each page gets its own session. Register-ObjectEvent subscribes an -Action to the session's DataArrived
    (sock.on("data")) and PeerClosed (sock.on("end")) events; the actions run on this script's own thread,
    whenever it waits in Wait-Event, so no handler ever runs on a module thread. DataArrived takes what is
    buffered with Receive-SocketData -Timeout 0; PeerClosed takes the rest, checks the response and closes the
    session. The script itself only sends the requests and waits until every page is done.

    Without -Port the script starts its own nginx on loopback (a free port, its own configuration in a temporary
    folder, no master process) and stops it by its process id at the end.

.EXAMPLE
    dotnet pwsh examples/crawler-events.ps1 -Pages 100

    Fetches 100 pages from a private nginx.
#>
[CmdletBinding()]
param(
    # How many pages to fetch, all in flight at once.
    [ValidateRange(1, 1000)]
    [int] $Pages = 50,

    # An HTTP server already listening on 127.0.0.1 at this port (any server that answers every path); none: start nginx.
    [int] $Port
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/PSSocket/PSSocket.psd1')

function Start-PrivateNginx {
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) "pss-crawler-$PID"
    $null = New-Item -ItemType Directory -Path $dir -Force
    $probe = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
    $probe.Start(); $free = $probe.LocalEndpoint.Port; $probe.Stop()
    Set-Content -LiteralPath "$dir/nginx.conf" -Value @"
daemon off;
master_process off;
user root;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir; uwsgi_temp_path $dir; scgi_temp_path $dir;
  server { listen 127.0.0.1:$free; default_type text/plain; location / { return 200 "page `$uri\n"; } }
}
"@
    $process = Start-Process -FilePath nginx -ArgumentList '-c', "$dir/nginx.conf", '-p', "$dir/", '-e', "$dir/error.log" -PassThru `
        -RedirectStandardOutput "$dir/out.log" -RedirectStandardError "$dir/err.log"
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (-not (Test-SocketPort 127.0.0.1 $free -Timeout 500 -Quiet)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            throw "nginx did not start: $(Get-Content "$dir/err.log", "$dir/error.log" -Raw -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Process = $process; Port = $free; Directory = $dir }
}

$nginx = $null
$crawl = @{ Bodies = @{}; Done = 0; Failed = [System.Collections.Generic.List[string]]::new() }
try {
    if (-not $Port) {
        $nginx = Start-PrivateNginx
        $Port = $nginx.Port
        Write-Host "nginx (pid $($nginx.Process.Id)) serves http://127.0.0.1:$Port/"
    }

    $onData = {
        # sock.on("data"): take what is buffered now; more comes with the next event.
        $bytes = $Sender | Receive-SocketData -AsByteArray -Timeout 0
        if ($bytes) { $Event.MessageData.Bodies[$Sender.Id].Write($bytes, 0, $bytes.Length) }
    }
    $onEnd = {
        # sock.on("end"): the rest of the response, then the page is done.
        $crawl = $Event.MessageData
        $rest = $Sender | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000
        if ($rest) { $crawl.Bodies[$Sender.Id].Write($rest, 0, $rest.Length) }
        $text = [System.Text.Encoding]::ASCII.GetString($crawl.Bodies[$Sender.Id].ToArray())
        if ($text -notmatch '^HTTP/1\.[01] 200' -or $text -notmatch "page /page/\d+`n$") { $crawl.Failed.Add("session $($Sender.Id): $text") }
        $Sender | Close-Socket
        $crawl.Done++
        New-Event -SourceIdentifier crawler.done | Out-Null
    }

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    # Connected one after another here; with background connects (Connect-Socket -NoWait) the requests would go
    # out from each session's Connected event instead.
    $sessions = foreach ($page in 1..$Pages) {
        $session = Connect-Socket 127.0.0.1 $Port -Timeout 5000
        $crawl.Bodies[$session.Id] = [System.IO.MemoryStream]::new()
        $null = Register-ObjectEvent -InputObject $session -EventName DataArrived -SourceIdentifier "crawler.data.$($session.Id)" -Action $onData -MessageData $crawl
        $null = Register-ObjectEvent -InputObject $session -EventName PeerClosed -SourceIdentifier "crawler.end.$($session.Id)" -Action $onEnd -MessageData $crawl
        $session | Send-SocketData "GET /page/$page HTTP/1.0`r`nHost: localhost`r`n`r`n"
        $session
    }

    # The event loop: the actions above run while this thread waits here.
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($crawl.Done -lt $Pages -and [DateTime]::UtcNow -lt $deadline) {
        Wait-Event -SourceIdentifier crawler.done -Timeout 1 | Remove-Event
    }
    $watch.Stop()

    $bytes = ($crawl.Bodies.Values | Measure-Object -Property Length -Sum).Sum
    Write-Host "Fetched $($crawl.Done) of $Pages pages ($bytes bytes) in $([int]$watch.Elapsed.TotalMilliseconds) ms, all in flight at once."
    if ($crawl.Done -ne $Pages -or $crawl.Failed.Count -gt 0) {
        Write-Host "Failed: $($crawl.Failed -join '; ')"
        exit 1
    }
}
finally {
    Get-EventSubscriber | Where-Object SourceIdentifier -Like 'crawler.*' | Unregister-Event
    Get-Job | Where-Object Name -Like 'crawler.*' | Remove-Job -Force
    Get-Socket | Close-Socket
    if ($nginx) {
        & kill -TERM $nginx.Process.Id
        if (-not $nginx.Process.WaitForExit(5000)) { Stop-Process -Id $nginx.Process.Id -Force }
        Remove-Item -LiteralPath $nginx.Directory -Recurse -Force -ErrorAction SilentlyContinue
        Write-Host "nginx stopped."
    }
}
"Open sessions left: $(@(Get-Socket).Count)"
