<#
.SYNOPSIS
    A tiny HTTP server on a Unix domain socket and a client that asks it for /version, as one asks the
    Docker daemon on /var/run/docker.sock.

.DESCRIPTION
    Starts a listener on a socket path under the temp folder, connects to it with Connect-Socket -Path, and
    walks an HTTP/1.0 exchange through both ends:

      1. the client sends the request and shuts down its send side;
      2. the server reads the request line and the headers, answers with a small JSON body, and closes;
      3. the client reads the whole response with -ToEnd;
      4. closing the listener removes the socket file.

    Needs a system with Unix domain sockets (Linux, macOS, Windows 10 1803 and later) and PowerShell 7.

.EXAMPLE
    dotnet pwsh examples/unix-socket.ps1

    Runs the example in the pinned pwsh (after `dotnet build` and `dotnet tool restore`).

.EXAMPLE
    Connect-Socket -Path /var/run/docker.sock | Send-SocketData "GET /version HTTP/1.0`r`n`r`n" -PassThru | Receive-SocketData -ToEnd

    The same client against the real Docker daemon.
#>
[CmdletBinding()]
param(
    # The socket path; short enough for a Unix socket address (107 bytes on Linux).
    [string] $Path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "pssocket-example-$PID.sock"),

    # How long each wait may last, in milliseconds.
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'

$listener = Start-SocketListener -Path $Path
try {
    "Listening on $($listener.LocalEndPoint) ($($listener.Protocol))"
    $client = Connect-Socket -Path $Path -Timeout $Timeout
    $server = $listener | Wait-SocketConnection -Timeout $Timeout
    try {
        $client | Send-SocketData "GET /version HTTP/1.0`r`nHost: example`r`n`r`n" -PassThru | Close-Socket -SendOnly

        $request = $server | Receive-SocketData -Line -Timeout $Timeout
        $headers = $server | Receive-SocketData -Delimiter "`r`n`r`n" -Timeout $Timeout
        "Server got '$($request.TrimEnd())' and $(@($headers.Split("`n")).Count) header line(s)"
        $server | Send-SocketData "HTTP/1.0 200 OK`r`nContent-Type: application/json`r`n`r`n{`"Version`":`"1.0`"}" -PassThru | Close-Socket

        $response = $client | Receive-SocketData -ToEnd -Timeout $Timeout
        "Client got: $($response.Split("`n")[0].TrimEnd()) ... $($response.Split("`n")[-1])"
    }
    finally {
        $client | Close-Socket
    }
}
finally {
    $listener | Close-Socket
}

"Socket file left behind: $([System.IO.File]::Exists($Path))"
"Open sessions left: $(@(Get-Socket).Count)"
