<#
.SYNOPSIS
    ICMP echo ("ping") built from bytes on a raw socket: to 127.0.0.1 and ::1 by default.

.DESCRIPTION
    For each target, Connect-Socket -IPProtocol Icmp (IcmpV6 for an IPv6 address) makes a connected Raw session,
    which receives only what that address sends. Then, for each sequence number:

      1. the script builds an echo request: type 8 (ICMPv6: 128), code 0, checksum, identifier, sequence number,
         and a payload. The ICMP checksum (RFC 1071, the one's complement of the one's complement sum of the
         16-bit words) is computed here. ICMPv6's checksum covers a pseudo-header with both addresses, so the
         system fills it in for raw ICMPv6 sockets (RFC 3542);
      2. Send-SocketData sends the bytes as one IP payload;
      3. Receive-SocketData -AsByteArray returns whole ICMP messages. A raw socket sees every ICMP message of
         its address, our own request too on loopback, so the reply is the one of type 0 (ICMPv6: 129) with
         our identifier and sequence number, and the same payload. IPv4 replies come without their IP
         header, which the session keeps in the datagram's IPHeader property (TTL, addresses).

    Raw sockets need root or CAP_NET_RAW on Linux (administrator on Windows); without them Connect-Socket
    fails with RawSocketNotPermitted. The script exits non-zero when a reply is missing or wrong.

.EXAMPLE
    sudo dotnet pwsh examples/ping.ps1

    Pings 127.0.0.1 and ::1 three times each.

.EXAMPLE
    Import-Module ./out/PSSocket; ./examples/ping.ps1 -Target 192.0.2.10 -Count 5 -Timeout 1000

    Pings another host.
#>
[CmdletBinding()]
param(
    # The addresses (or host names) to ping.
    [string[]] $Target = @('127.0.0.1', '::1'),

    # Echo requests per target.
    [ValidateRange(1, 65535)]
    [int] $Count = 3,

    # How long to wait for each reply, in milliseconds.
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'

# The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the words.
function Get-InternetChecksum([byte[]] $Bytes) {
    $sum = 0
    for ($i = 0; $i -lt $Bytes.Length; $i += 2) {
        $sum += [int]$Bytes[$i] -shl 8
        if ($i + 1 -lt $Bytes.Length) { $sum += $Bytes[$i + 1] }
    }
    while ($sum -shr 16) { $sum = ($sum -band 0xFFFF) + ($sum -shr 16) }
    (-bnot $sum) -band 0xFFFF
}

# An echo request: type, code 0, checksum, identifier, sequence number (big-endian), then the payload.
function New-EchoRequest([bool] $V6, [int] $Identifier, [int] $Sequence, [byte[]] $Payload) {
    $message = [byte[]]::new(8 + $Payload.Length)
    $message[0] = if ($V6) { 128 } else { 8 }
    $message[4] = $Identifier -shr 8; $message[5] = $Identifier -band 0xFF
    $message[6] = $Sequence -shr 8; $message[7] = $Sequence -band 0xFF
    [Array]::Copy($Payload, 0, $message, 8, $Payload.Length)
    if (-not $V6) {
        $checksum = Get-InternetChecksum $message
        $message[2] = $checksum -shr 8; $message[3] = $checksum -band 0xFF
    }
    , $message
}

function Test-EchoReply([bool] $V6, [byte[]] $Message, [int] $Identifier, [int] $Sequence, [byte[]] $Payload) {
    $Message.Length -eq 8 + $Payload.Length -and
    $Message[0] -eq $(if ($V6) { 129 } else { 0 }) -and $Message[1] -eq 0 -and
    (([int]$Message[4] -shl 8) -bor $Message[5]) -eq $Identifier -and
    (([int]$Message[6] -shl 8) -bor $Message[7]) -eq $Sequence -and
    ($V6 -or (Get-InternetChecksum $Message) -eq 0) -and
    [System.Linq.Enumerable]::SequenceEqual([byte[]]$Message[8..($Message.Length - 1)], $Payload)
}

$identifier = $PID -band 0xFFFF
$lost = 0
foreach ($address in $Target) {
    $v6 = $address.Contains(':')
    $session = if ($v6) { Connect-Socket $address -IPProtocol IcmpV6 -AddressFamily IPv6 } else { Connect-Socket $address -IPProtocol Icmp -AddressFamily IPv4 }
    try {
        "PING $address ($($session.RemoteEndPoint.Address)): $($session.IPProtocol) echo, identifier $identifier"
        foreach ($sequence in 1..$Count) {
            $payload = [System.Text.Encoding]::ASCII.GetBytes("PSSocket ping $sequence " + (Get-Date).Ticks)
            $request = New-EchoRequest $v6 $identifier $sequence $payload
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            Send-SocketData -Session $session -Data $request
            $reply = $null
            while (-not $reply -and $clock.ElapsedMilliseconds -lt $Timeout) {
                $left = [Math]::Max(1, $Timeout - $clock.ElapsedMilliseconds)
                $datagram = Receive-SocketData -Session $session -AsByteArray -Timeout $left -ErrorAction SilentlyContinue
                if ($datagram -and (Test-EchoReply $v6 $datagram.Data $identifier $sequence $payload)) {
                    $reply = $datagram
                }
            }

            if (-not $reply) {
                "Request $sequence to $address timed out."
                $lost++
                continue
            }

            $ttl = if ($reply.IPHeader) { " ttl=$($reply.IPHeader.TimeToLive)" } else { '' }
            "{0} bytes from {1}: icmp_seq={2}{3} time={4:0.00} ms" -f $reply.Length, $reply.RemoteEndPoint.Address, $sequence, $ttl, $clock.Elapsed.TotalMilliseconds
        }
    }
    finally {
        $session | Close-Socket
    }
}

if ($lost -gt 0) {
    throw "$lost echo request(s) got no reply."
}

"Open sessions left: $(@(Get-Socket).Count)"
