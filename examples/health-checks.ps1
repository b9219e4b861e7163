<#
.SYNOPSIS
    Port checks and a TLS conversation on loopback: Test-SocketPort's statuses, -Quiet, a probe, and
    Connect-Socket -UseTls against a TLS echo server with a certificate made on the spot.

.DESCRIPTION
    Everything runs on 127.0.0.1. A listener gives an open port, a port nobody listens on is refused, and a
    name under .invalid does not resolve; Test-SocketPort checks them all at once and writes one result each,
    then -Quiet answers with one Boolean per target, as a Pester test or an if statement wants it.

    Then a self-signed certificate for localhost is made in memory (no certificate store is touched), a TLS
    echo server (Start-SocketListener -Certificate -Echo) serves it in the background, and the client trusts
    exactly that certificate with -TrustedCertificate: the session's Tls property shows what was negotiated,
    and Test-SocketPort -UseTls reports the same certificate's facts, with its days until expiry.

.EXAMPLE
    dotnet pwsh examples/health-checks.ps1
#>
[CmdletBinding()]
param(
    # How long each check, connect and receive may wait, in milliseconds.
    [ValidateRange(1, 600000)]
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'

# --- Port checks -------------------------------------------------------------------------------------------
$open = Start-SocketListener
$closedPort = & {
    # A port that was free a moment ago: bind a listener to learn a free port, then close it.
    $probe = Start-SocketListener
    $probe.LocalEndPoint.Port
    $probe | Close-Socket
}
try {
    $checks = Test-SocketPort -ComputerName 127.0.0.1, no-such-host.invalid -Port "$($open.LocalEndPoint.Port),$closedPort" -Timeout $Timeout
    foreach ($check in $checks) {
        "{0,-22} port {1,-6} {2,-16} {3}" -f $check.ComputerName, $check.Port, $check.Status, $check.ErrorId
    }

    $up = Test-SocketPort -ComputerName 127.0.0.1 -Port $open.LocalEndPoint.Port -Quiet -Timeout $Timeout
    "127.0.0.1 port $($open.LocalEndPoint.Port) is up: $up"
}
finally {
    $open | Close-Socket
}

# --- TLS ---------------------------------------------------------------------------------------------------
# A self-signed certificate for localhost, made in memory with .NET's CertificateRequest.
$key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
$request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=localhost', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
$names = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
$names.AddDnsName('localhost')
$request.CertificateExtensions.Add($names.Build())
$made = $request.CreateSelfSigned([DateTimeOffset]::Now.AddMinutes(-5), [DateTimeOffset]::Now.AddDays(30))
# Through PFX bytes and back, so the private key works for a TLS server on every platform.
$certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($made.Export('Pfx'))

$server = Start-SocketListener -Certificate $certificate -Echo
try {
    $port = $server.LocalEndPoint.Port
    $session = Connect-Socket -ComputerName localhost -Port $port -AddressFamily IPv4 -UseTls -TrustedCertificate $certificate -Timeout $Timeout
    try {
        $session | Send-SocketData 'hello over TLS' -Line
        "Echoed: $($session | Receive-SocketData -Line -Timeout $Timeout)"
        "Negotiated $($session.Tls.Protocol) $($session.Tls.CipherSuite) with '$($session.Tls.Subject)', chain valid: $($session.Tls.ChainValid)"
    }
    finally {
        $session | Close-Socket
    }

    $tls = Test-SocketPort -ComputerName localhost -Port $port -AddressFamily IPv4 -UseTls -TrustedCertificate $certificate -Timeout $Timeout
    "Test-SocketPort -UseTls: $($tls.Status), $($tls.TlsProtocol), expires in $($tls.CertificateDaysUntilExpiry) days"

    $untrusted = Test-SocketPort -ComputerName localhost -Port $port -AddressFamily IPv4 -UseTls -Timeout $Timeout
    "Without -TrustedCertificate: $($untrusted.Status) ($($untrusted.ErrorId))"
}
finally {
    $server | Close-Socket
}
