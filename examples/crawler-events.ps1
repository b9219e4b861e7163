<#
.SYNOPSIS
    The Node-style crawler: fetches N pages from a local nginx at once in one thread, driven by the sessions'
    Connected, DataArrived, PeerClosed and SessionClosed events.

.DESCRIPTION
    Each page gets its own session, started with Connect-Socket -NoWait: the connect goes on in the background and
    the script goes on to the next page at once, as net.connect() does. Register-ObjectEvent subscribes an -Action
    to the session's Connected (sock.on("connect")), DataArrived (sock.on("data")), PeerClosed (sock.on("end")) and
    SessionClosed (sock.on("close")) events; the actions run on this script's own thread, whenever it waits in
    Wait-Event, so no handler ever runs on a module thread. Connected sends the request; DataArrived takes what is
    buffered with Receive-SocketData -Timeout 0; PeerClosed takes the rest, checks the response and closes the
    session; SessionClosed catches a connect that failed. The script itself only starts the connects and waits
    until every page is done.

    Connected is raised once, when the connect completes: a connect that completes before Register-ObjectEvent
    subscribes (on loopback it often does) raises it to nobody. So after subscribing, the script looks at the
    session's State once itself; a set of sessions already sent to makes sure each request goes out exactly once,
    whichever of the two sees the connect first.

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
Import-Module (Join-Path $PSScriptRoot 'PrivateNginx.psm1')

$nginx = $null
$crawl = @{
    Bodies   = @{}
    Paths    = @{}
    Done     = 0
    Failed   = [System.Collections.Generic.List[string]]::new()
    # Session ids whose request went out, and whose page is finished: each happens once, whoever gets there first.
    Sent     = [System.Collections.Concurrent.ConcurrentDictionary[int, bool]]::new()
    Finished = [System.Collections.Concurrent.ConcurrentDictionary[int, bool]]::new()
}
# Shared by the actions and the script: $crawl travels as -MessageData, these as its members.
$crawl.Send = {
    # Sends the session's request unless it went out already; says whether it sent it.
    param($Session, $Crawl)
    if (-not $Crawl.Sent.TryAdd($Session.Id, $true)) { return $false }
    $Session | Send-SocketData "GET $($Crawl.Paths[$Session.Id]) HTTP/1.0`r`nHost: localhost`r`n`r`n"
    $true
}
$crawl.Finish = {
    # Counts the session's page done once, as a failure when there is one.
    param($Session, $Crawl, [string] $Failure)
    if ($Crawl.Finished.TryAdd($Session.Id, $true)) {
        if ($Failure) { $Crawl.Failed.Add("$($Crawl.Paths[$Session.Id]) (session $($Session.Id)): $Failure") }
        $Crawl.Done++
    }
}
try {
    if (-not $Port) {
        $nginx = Start-PrivateNginx -Directory (Join-Path ([System.IO.Path]::GetTempPath()) "pss-crawler-$PID") -WorkerConnections 2048 `
            -Server 'default_type text/plain; location / { return 200 "page $uri\n"; }'
        $Port = $nginx.Port
        Write-Host "nginx (pid $($nginx.Process.Id)) serves http://127.0.0.1:$Port/"
    }

    # Every action ends with New-Event crawler.progress. PowerShell runs only a couple of queued actions each time it
    # looks (between statements, and every 200 ms inside Wait-Event); the progress event makes Wait-Event return at
    # once, so the loop below looks again right away instead of 200 ms later.
    $onConnected = {
        # sock.on("connect"): the background connect finished; the request goes out now.
        $null = & $Event.MessageData.Send $Sender $Event.MessageData
        $null = New-Event -SourceIdentifier crawler.progress
    }
    $onData = {
        # sock.on("data"): take what is buffered now; more comes with the next event.
        $bytes = $Sender | Receive-SocketData -AsByteArray -Timeout 0
        if ($bytes) { $Event.MessageData.Bodies[$Sender.Id].Write($bytes, 0, $bytes.Length) }
        $null = New-Event -SourceIdentifier crawler.progress
    }
    $onEnd = {
        # sock.on("end"): the rest of the response, then the page is done.
        $crawl = $Event.MessageData
        $rest = $Sender | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000
        if ($rest) { $crawl.Bodies[$Sender.Id].Write($rest, 0, $rest.Length) }
        $text = [System.Text.Encoding]::ASCII.GetString($crawl.Bodies[$Sender.Id].ToArray())
        $whole = $text -match '^HTTP/1\.[01] 200' -and $text.EndsWith("`r`n`r`npage $($crawl.Paths[$Sender.Id])`n")
        $Sender | Close-Socket
        & $crawl.Finish $Sender $crawl $(if (-not $whole) { "not the whole page: $text" })
        $null = New-Event -SourceIdentifier crawler.progress
    }
    $onClose = {
        # sock.on("close"): after the page is done this changes nothing; before, the connect (or the session) failed.
        $why = if ($Sender.ConnectError) { $Sender.ConnectError.Message } else { 'closed before the page came' }
        & $Event.MessageData.Finish $Sender $Event.MessageData $why
        $null = New-Event -SourceIdentifier crawler.progress
    }

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $early = 0
    # No connect blocks: each Connect-Socket -NoWait returns at once with the session Connecting.
    $sessions = foreach ($page in 1..$Pages) {
        $session = Connect-Socket 127.0.0.1 $Port -NoWait -Timeout 5000
        $crawl.Paths[$session.Id] = "/page/$page"
        $crawl.Bodies[$session.Id] = [System.IO.MemoryStream]::new()
        foreach ($handler in ([ordered]@{ DataArrived = $onData; PeerClosed = $onEnd; SessionClosed = $onClose; Connected = $onConnected }).GetEnumerator()) {
            $null = Register-ObjectEvent -InputObject $session -EventName $handler.Key -SourceIdentifier "crawler.$($handler.Key).$($session.Id)" `
                -Action $handler.Value -MessageData $crawl
        }
        # A connect that finished before Connected had a subscriber raised it to nobody: settle it here.
        if ($session.State -eq 'Connected') { if (& $crawl.Send $session $crawl) { $early++ } }
        elseif ($session.ConnectError) { & $crawl.Finish $session $crawl $session.ConnectError.Message }
        $session
    }
    $started = [int] $watch.Elapsed.TotalMilliseconds

    # The event loop: the actions above run while this thread waits here.
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($crawl.Done -lt $Pages -and [DateTime]::UtcNow -lt $deadline) {
        Wait-Event -SourceIdentifier crawler.progress -Timeout 1 | Remove-Event
    }
    $watch.Stop()

    $bytes = ($crawl.Bodies.Values | Measure-Object -Property Length -Sum).Sum
    Write-Host "Fetched $($crawl.Done) of $Pages pages ($bytes bytes) in $([int]$watch.Elapsed.TotalMilliseconds) ms, all in flight at once."
    Write-Host "  $Pages connects started in $started ms; $early connected before the script subscribed, the rest sent from Connected."
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
        Stop-PrivateNginx $nginx
        Write-Host "nginx stopped."
    }
}
"Open sessions left: $(@(Get-Socket).Count)"
