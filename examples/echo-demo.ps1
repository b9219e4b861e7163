<#
.SYNOPSIS
    An echo server and its client in one script, over loopback.

.DESCRIPTION
    Starts a listener on 127.0.0.1 (the system picks a free port), connects a client to it, accepts the
    connection, and walks both ends through an echo exchange:

      1. the client sends each message as a line, then shuts down its send side (a half-close);
      2. the server reads lines until the end of the stream and sends each one back;
      3. Get-Socket shows the three sessions: the listener, the client and the accepted connection;
      4. the server closes, and the client reads everything it got back with -ToEnd;
      5. every session is closed.

    The script is both client and server on one thread, so it interleaves their steps (connect, accept, send,
    receive) instead of running them at the same time. Every wait has a timeout.

.EXAMPLE
    dotnet pwsh examples/echo-demo.ps1

    Runs the demo in the pinned pwsh (after `dotnet build` and `dotnet tool restore`).

.EXAMPLE
    Import-Module ./out/PSSocket; ./examples/echo-demo.ps1 -Message 'one', 'two' -Timeout 2000

    Runs it in pwsh with other messages and a shorter timeout.
#>
[CmdletBinding()]
param(
    # The lines the client sends; the server echoes each one back.
    [string[]] $Message = @('hello', 'from PSSocket', 'over loopback'),

    # How long each connect, accept and receive may wait, in milliseconds.
    [ValidateRange(1, 600000)]
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'
$sessions = [System.Collections.Generic.List[object]]::new()
try {
    # Server: listen on loopback; port 0 lets the system choose a free port.
    $listener = Start-SocketListener -Port 0 -ReceiveTimeout $Timeout
    $sessions.Add($listener)
    $port = $listener.LocalEndPoint.Port
    "Listening on $($listener.LocalEndPoint)"

    # Client: connect. The connection waits in the listener's backlog until the server accepts it.
    $client = Connect-Socket -ComputerName 127.0.0.1 -Port $port -Timeout $Timeout
    $sessions.Add($client)

    # Server: accept it.
    $server = Wait-SocketConnection -Listener $listener -Timeout $Timeout
    $sessions.Add($server)
    "Server accepted a connection from $($server.RemoteEndPoint)"

    # Client: send the lines, then half-close. The server will see the end of the stream, and the client
    # can still receive the echo.
    $Message | Send-SocketData -Session $client -Line
    Close-Socket -Session $client -SendOnly
    "Client sent $($client.BytesSent) bytes and shut down its send side"

    # Server: echo each line back until the client's end of stream (Receive-SocketData -Line returns
    # nothing there).
    while ($null -ne ($line = Receive-SocketData -Session $server -Line -Timeout $Timeout)) {
        "Server received '$line' and echoes it"
        Send-SocketData -Session $server -Data $line -Line
    }

    # All three sessions, with their states and byte counts.
    Get-Socket

    # Server: close. Client: read everything that came back, up to the end of the stream.
    Close-Socket -Session $server
    $echo = Receive-SocketData -Session $client -ToEnd -Timeout $Timeout
    $echo.TrimEnd("`n").Split("`n") | ForEach-Object { "Client received back '$_'" }
}
finally {
    # Close everything this script opened, even when a step failed.
    $sessions | Close-Socket
}

"Open sessions left: $(@(Get-Socket).Count)"
