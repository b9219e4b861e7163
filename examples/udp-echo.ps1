<#
.SYNOPSIS
    A UDP echo server and a client in one script, over loopback.

.DESCRIPTION
    Starts a UDP listener on 127.0.0.1 (the system picks a free port) and a UDP client session, then:

      1. the client sends each message as one datagram to the listener (sendto);
      2. the listener receives them, one SocketDatagram object each, with the sender's end point, and pipes
         each to Send-SocketData, which answers its sender (Session and RemoteEndPoint bind by property name);
      3. the client receives the answers, one datagram each;
      4. Get-Socket -Protocol Udp shows both sessions with their datagram counts, and both are closed.

    Every receive has a timeout.

.EXAMPLE
    dotnet pwsh examples/udp-echo.ps1

    Runs the example in the pinned pwsh (after `dotnet build` and `dotnet tool restore`).

.EXAMPLE
    Import-Module ./out/PSSocket; ./examples/udp-echo.ps1 -Message 'one', 'two' -Timeout 2000

    Runs it in pwsh with other messages.
#>
[CmdletBinding()]
param(
    # The messages the client sends; each is one datagram, and the server echoes each one back in upper case.
    [string[]] $Message = @('hello', 'from PSSocket', 'over UDP'),

    # How long each receive may wait, in milliseconds.
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'

$server = Start-SocketListener -Protocol Udp
$client = New-Socket -Protocol Udp -ReceiveTimeout $Timeout
try {
    $to = "127.0.0.1:$($server.LocalEndPoint.Port)"
    "Server bound to $($server.LocalEndPoint)"

    $Message | Send-SocketData -Session $client -RemoteEndPoint $to
    "Client sent $($client.DatagramsSent) datagrams from $($client.LocalEndPoint)"

    $server | Receive-SocketData -Count $Message.Count -Timeout $Timeout | ForEach-Object {
        "Server received '$($_.Data)' ($($_.Length) bytes) from $($_.RemoteEndPoint)"
        $_ | Send-SocketData $_.Data.ToUpperInvariant()
    }

    $client | Receive-SocketData -Count $Message.Count | ForEach-Object {
        "Client received '$($_.Data)' from $($_.RemoteEndPoint)"
    }

    Get-Socket -Protocol Udp | ForEach-Object {
        "Session $($_.Id) ($($_.Role)): $($_.DatagramsSent) datagrams sent, $($_.DatagramsReceived) received"
    }
}
finally {
    $client, $server | Close-Socket
}

"Open sessions left: $(@(Get-Socket).Count)"
