<#
.SYNOPSIS
    The selectors crawler, in PowerShell: fetches many pages from an HTTP server in one thread, with connects that
    do not block and Wait-Socket as the select loop.

.DESCRIPTION
    Python's selectors crawler registers a non-blocking socket per page for "writable" (its connect finished), sends
    the request, registers it for "readable", and handles whichever socket is ready. Here Connect-Socket -NoWait
    starts each connect and returns at once, and one Wait-Socket -For Connect, EndOfStream over every session in
    flight writes each session twice: when its connect finishes (the crawler sends its GET) and when the server has
    sent the whole answer and closed the connection (the crawler reads it). At most -InFlight requests go on at
    once; each finished page makes room for the next.

    Without -Uri or -ComputerName the script starts nginx on a free loopback port with a folder of -Count pages,
    crawls them, checks that every page came back whole, and stops nginx by its process id.

.EXAMPLE
    dotnet pwsh examples/crawler-select.ps1

    Starts a private nginx, fetches 200 pages at 50 in flight, and prints a summary.

.EXAMPLE
    ./examples/crawler-select.ps1 -ComputerName 127.0.0.1 -Port 8080 -Path (1..100 | ForEach-Object { "/page$_.html" }) -InFlight 20 -PassThru

    Fetches 100 pages from a server already running, 20 at a time, and writes one result per page.

.EXAMPLE
    ./examples/crawler-select.ps1 -Uri http://127.0.0.1:8080/a.html, http://127.0.0.1:8080/b.html
#>
[CmdletBinding(DefaultParameterSetName = 'OwnServer')]
param(
    # Pages to fetch (http only).
    [Parameter(Mandatory, ParameterSetName = 'Uri')]
    [uri[]] $Uri,

    # The server of -Path.
    [Parameter(Mandatory, ParameterSetName = 'HostPort')]
    [string] $ComputerName,

    [Parameter(ParameterSetName = 'HostPort')]
    [int] $Port = 80,

    [Parameter(Mandatory, ParameterSetName = 'HostPort')]
    [string[]] $Path,

    # How many pages the private nginx serves (and the crawler fetches) without -Uri or -ComputerName.
    [Parameter(ParameterSetName = 'OwnServer')]
    [int] $Count = 200,

    # The most requests in flight at once.
    [ValidateRange(1, 10000)]
    [int] $InFlight = 50,

    # Milliseconds: the longest a page may take, connect and answer.
    [int] $Timeout = 30000,

    # Writes one result object per page instead of the summary.
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
if (-not (Get-Module PSSocket)) {
    Import-Module (Join-Path $PSScriptRoot '../out/PSSocket/PSSocket.psd1')
}
Import-Module (Join-Path $PSScriptRoot 'PrivateNginx.psm1')

# A private nginx on loopback serving $Count small pages, stopped by process id in the finally block below.
function Start-PageServer([int] $Pages) {
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) "pss-crawler-$PID"
    $www = Join-Path $dir 'www'
    $null = New-Item -ItemType Directory -Path $www -Force
    foreach ($i in 1..$Pages) {
        Set-Content -LiteralPath (Join-Path $www "page$i.html") -NoNewline -Value ("<html><body><h1>Page $i</h1>" + ('lorem ipsum ' * ($i % 50 + 10)) + '</body></html>')
    }
    $nginx = Start-PrivateNginx -Directory $dir -Server "root $www;"
    $nginx | Add-Member -NotePropertyName Root -NotePropertyValue $www -PassThru
}

# The crawl: one thread, at most $InFlight sessions, each written by Wait-Socket when its connect finishes and when
# its answer is complete.
function Invoke-Crawl([object[]] $Pages, [int] $InFlight, [int] $Timeout) {
    $queue = [System.Collections.Generic.Queue[object]]::new([object[]] $Pages)
    $active = @{}
    $results = [System.Collections.Generic.List[object]]::new()
    while ($queue.Count -or $active.Count) {
        while ($active.Count -lt $InFlight -and $queue.Count) {
            $page = $queue.Dequeue()
            $session = Connect-Socket $page.Host $page.Port -NoWait -Timeout $Timeout
            $active[$session.Id] = @{ Session = $session; Page = $page; Sent = $false; Watch = [System.Diagnostics.Stopwatch]::StartNew() }
        }

        $ready = @($active.Values.Session | Wait-Socket -For Connect, EndOfStream -Timeout $Timeout)
        if (-not $ready) {
            foreach ($job in @($active.Values)) { Complete-Page $job 'Timeout' $null }
            continue
        }

        foreach ($session in $ready) {
            $job = $active[$session.Id]
            if ($session.State -eq 'Connected' -and -not $job.Sent) {
                $session | Send-SocketData "GET $($job.Page.Path) HTTP/1.0`r`nHost: $($job.Page.Host)`r`nUser-Agent: PSSocket-crawler`r`n`r`n"
                $job.Sent = $true
            }
            elseif ($session.ConnectError) {
                Complete-Page $job $session.ConnectError.ErrorId $null
            }
            else {
                try { Complete-Page $job 'Done' ($session | Receive-SocketData -ToEnd -AsByteArray -Timeout $Timeout) }
                catch { Complete-Page $job ($_.FullyQualifiedErrorId -split ',')[0] $null }
            }
        }
    }
    $results
}

function Complete-Page($Job, [string] $Outcome, [byte[]] $Reply) {
    $status = 0
    $body = 0
    if ($Reply) {
        $text = [System.Text.Encoding]::ASCII.GetString($Reply)
        if ($text -match '^HTTP/\d\.\d (\d{3})') { $status = [int] $Matches[1] }
        $headerEnd = $text.IndexOf("`r`n`r`n")
        if ($headerEnd -ge 0) { $body = $Reply.Length - $headerEnd - 4 }
    }
    $Job.Session | Close-Socket
    $active.Remove($Job.Session.Id)
    $results.Add([pscustomobject]@{
            Uri        = "http://$($Job.Page.Host):$($Job.Page.Port)$($Job.Page.Path)"
            Outcome    = $Outcome
            Status     = $status
            BodyBytes  = $body
            Ms         = [math]::Round($Job.Watch.Elapsed.TotalMilliseconds, 1)
        })
}

$server = $null
try {
    $pages = switch ($PSCmdlet.ParameterSetName) {
        'Uri' { foreach ($u in $Uri) { [pscustomobject]@{ Host = $u.Host; Port = $u.Port; Path = $u.PathAndQuery } } }
        'HostPort' { foreach ($p in $Path) { [pscustomobject]@{ Host = $ComputerName; Port = $Port; Path = $p } } }
        'OwnServer' {
            $server = Start-PageServer $Count
            foreach ($i in 1..$Count) { [pscustomobject]@{ Host = '127.0.0.1'; Port = $server.Port; Path = "/page$i.html" } }
        }
    }

    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $results = Invoke-Crawl $pages $InFlight $Timeout
    $watch.Stop()

    if ($PassThru) {
        $results
    }
    else {
        $ok = @($results | Where-Object Status -EQ 200).Count
        "Fetched $($results.Count) pages ($ok with 200 OK) in $([math]::Round($watch.Elapsed.TotalMilliseconds)) ms, at most $InFlight in flight, in one thread."
        $results | Group-Object Outcome, Status -NoElement | Sort-Object Name | ForEach-Object { "  $($_.Name): $($_.Count)" }
    }

    if ($server) {
        # The private server's pages are known: every one must have come back whole.
        $wrong = foreach ($r in $results) {
            $file = Join-Path $server.Root ([uri] $r.Uri).AbsolutePath.TrimStart('/')
            if ($r.Status -ne 200 -or $r.BodyBytes -ne (Get-Item -LiteralPath $file).Length) { $r.Uri }
        }
        if ($wrong -or $results.Count -ne $Count) {
            Write-Error "Pages missing or incomplete: $(@($wrong).Count) wrong, $($results.Count) of $Count fetched."
            exit 1
        }
    }
    "Open sessions left: $(@(Get-Socket).Count)"
}
finally {
    Get-Socket | Close-Socket
    if ($server) {
        Stop-PrivateNginx $server
    }
}
