<#
.SYNOPSIS
    The framings of Receive-SocketData: -Count, -Line, -Delimiter, -ToEnd, and what stays buffered.

.DESCRIPTION
    A server sends one block of bytes and closes:

        HELO first line<CR><LF>second line<LF>alpha;beta;gamma;and the rest, up to the end

    and the client takes it apart, one receive mode at a time:

      -Count 4       exactly four bytes: 'HELO' (and again as bytes with -AsByteArray)
      -Line          up to the next line end, which is not returned (LF or CRLF)
      -Delimiter ';' up to the delimiter, which is consumed but not returned
      -ToEnd         everything until the peer closes

    Bytes that arrived but that a call did not ask for stay buffered on the session (BytesBuffered) for the
    next call: reading a line never loses the bytes after it.

.EXAMPLE
    dotnet pwsh examples/receive-modes.ps1
#>
[CmdletBinding()]
param(
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
    $listener = Start-SocketListener -ReceiveTimeout $Timeout
    $sessions.Add($listener)
    $client = Connect-Socket -ComputerName 127.0.0.1 -Port $listener.LocalEndPoint.Port -Timeout $Timeout
    $sessions.Add($client)
    $server = Wait-SocketConnection -Listener $listener -Timeout $Timeout
    $sessions.Add($server)

    # The server sends everything in one call and closes, before the client reads anything.
    $payload = "HELO first line`r`nsecond line`nalpha;beta;gamma;and the rest, up to the end"
    Send-SocketData -Session $server -Data $payload
    Close-Socket -Session $server
    "Server sent $($server.BytesSent) bytes and closed"
    ''

    # -Count: exactly that many bytes, as text in the session's encoding (UTF-8) ...
    $word = Receive-SocketData -Session $client -Count 4 -Timeout $Timeout
    "-Count 4             : '$word'"
    "  still buffered     : $($client.BytesBuffered) of the $($client.BytesReceived) bytes received"

    # ... or as one byte[] with -AsByteArray.
    $space = Receive-SocketData -Session $client -Count 1 -AsByteArray -Timeout $Timeout
    "-Count 1 -AsByteArray: byte[] of $($space.Length): 0x$('{0:X2}' -f $space[0]) (a space)"

    # -Line: up to the line end; the CRLF is dropped, and the bytes after it stay buffered.
    $first = Receive-SocketData -Session $client -Line -Timeout $Timeout
    "-Line                : '$first'"
    "  still buffered     : $($client.BytesBuffered) bytes"
    $second = Receive-SocketData -Session $client -Line -Timeout $Timeout
    "-Line                : '$second' (ended by a bare LF)"

    # -Delimiter: up to the delimiter, which is consumed.
    foreach ($i in 1..3) {
        $field = Receive-SocketData -Session $client -Delimiter ';' -Timeout $Timeout
        "-Delimiter ';'       : '$field'"
    }

    # -ToEnd: everything until the peer closes.
    $rest = Receive-SocketData -Session $client -ToEnd -Timeout $Timeout
    "-ToEnd               : '$rest'"
    "  still buffered     : $($client.BytesBuffered) bytes; RemoteClosed: $($client.RemoteClosed)"

    # At the end of the stream with nothing buffered, a receive returns nothing.
    $after = Receive-SocketData -Session $client -Timeout $Timeout
    "After the end        : $(if ($null -eq $after) { 'nothing' } else { "'$after'" })"
    "Client received $($client.BytesReceived) bytes in all"
}
finally {
    $sessions | Close-Socket
}

"Open sessions left: $(@(Get-Socket).Count)"
