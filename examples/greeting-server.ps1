<#
.SYNOPSIS
    A server that greets each client with one line and closes, and clients that read the greeting.

.DESCRIPTION
    The shape of many text protocols (SMTP, FTP, POP3 send a banner line first): the server accepts a
    connection, sends one greeting line, and closes it. Each client connects, reads one line with
    Receive-SocketData -Line, sees the end of the stream, and closes.

    The listener stays open for all the clients; each accepted connection and each client is closed as soon
    as it is done. Server and client steps are interleaved on one thread: connect, accept, greet, read.

.EXAMPLE
    dotnet pwsh examples/greeting-server.ps1

.EXAMPLE
    dotnet pwsh examples/greeting-server.ps1 -Clients 5 -Greeting 'Hi there'
#>
[CmdletBinding()]
param(
    # How many clients connect, one after the other.
    [ValidateRange(1, 100)]
    [int] $Clients = 3,

    # The greeting line the server sends.
    [string] $Greeting = 'Welcome to the PSSocket greeting server',

    # How long each connect, accept and receive may wait, in milliseconds.
    [ValidateRange(1, 600000)]
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'

# The listener binds to 127.0.0.1 unless told otherwise; the system picks the port.
$listener = Start-SocketListener -ReceiveTimeout $Timeout
try {
    $listener
    $port = $listener.LocalEndPoint.Port

    foreach ($n in 1..$Clients) {
        $client = Connect-Socket -ComputerName localhost -Port $port -AddressFamily IPv4 -Timeout $Timeout
        try {
            # Server side: accept the connection, send the greeting line, close it.
            $accepted = $listener | Wait-SocketConnection -Timeout $Timeout
            try {
                "Server: greeting $($accepted.RemoteEndPoint)"
                $accepted | Send-SocketData "$Greeting, visitor $n!" -Line -LineEnding CrLf
            }
            finally {
                $accepted | Close-Socket
            }

            # Client side: read the greeting (the CRLF is not part of the line), then the end of the stream.
            $line = $client | Receive-SocketData -Line -Timeout $Timeout
            "Client ${n}: '$line'"
            $more = $client | Receive-SocketData -Line -Timeout $Timeout
            if ($null -eq $more -and $client.RemoteClosed) {
                "Client ${n}: the server closed the connection"
            }
        }
        finally {
            $client | Close-Socket
        }
    }
}
finally {
    $listener | Close-Socket
}

"Open sessions left: $(@(Get-Socket).Count)"
