# Shared setup for the Pester files: dot-source it in a file's BeforeAll (. "$PSScriptRoot/_Common.ps1").
# It imports the module under test (out/PSSocket of this repository, or the manifest that PSSOCKET_MODULE_PATH
# names), and defines small helpers that use only public cmdlets and plain .NET: socket pairs, temporary files,
# test certificates made in memory (no certificate store is touched), a raw .NET TCP peer, a peer that runs in a
# thread job, a bounded wait, and the command-line peers (socat, ncat, openssl), started and stopped by their id.
# A file that needs socat, ncat or openssl skips those tests when the tool is missing, except under CI=true,
# where they run and fail.

$script:PSSocketManifest = if ($env:PSSOCKET_MODULE_PATH) {
    $env:PSSOCKET_MODULE_PATH
}
else {
    Join-Path $PSScriptRoot '../../out/PSSocket/PSSocket.psd1'
}
Import-Module $script:PSSocketManifest -Force
$script:PSSocketModulePath = (Get-Module PSSocket).Path

# A folder of this file's own under the temp folder; Remove-TestDirectory deletes it.
$script:TestDirectory = Join-Path ([System.IO.Path]::GetTempPath()) "pss-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
$null = New-Item -ItemType Directory -Path $script:TestDirectory -Force

function New-TestPath([string] $Extension = '.tmp') {
    # Short names: a Unix socket path holds at most 107 bytes.
    Join-Path $script:TestDirectory ([guid]::NewGuid().ToString('N').Substring(0, 10) + $Extension)
}

function Remove-TestDirectory {
    if (Test-Path -LiteralPath $script:TestDirectory) {
        Remove-Item -LiteralPath $script:TestDirectory -Recurse -Force
    }
}

# Closes every session of the runspace and removes the jobs of the module's background servers.
function Clear-TestSessions {
    Get-Socket | Close-Socket
    Get-Job | Where-Object PSJobTypeName -EQ 'SocketListenerJob' | Remove-Job -Force
}

# A connected client and server over loopback, the listener already closed.
function New-SocketPair {
    param([string] $Payload, [switch] $CloseServer, [string] $Encoding)

    $options = @{}
    if ($Encoding) { $options.Encoding = $Encoding }
    $listener = Start-SocketListener @options
    $client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port -Timeout 5000 @options
    $server = $listener | Wait-SocketConnection -Timeout 5000
    $listener | Close-Socket
    if ($Payload) {
        Send-SocketData -Session $server -Data $Payload
    }
    if ($CloseServer) {
        $server | Close-Socket
    }
    [pscustomobject]@{ Client = $client; Server = $server }
}

# Polls a condition (every 10 ms, at most $Timeout ms) and returns whether it became true.
function Wait-Until([scriptblock] $Condition, [int] $Timeout = 5000) {
    $deadline = [DateTime]::UtcNow.AddMilliseconds($Timeout)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -ge $deadline) { return $false }
        Start-Sleep -Milliseconds 10
    }
    $true
}

function New-RandomBytes([int] $Length, [int] $Seed = 1) {
    $bytes = [byte[]]::new($Length)
    [System.Random]::new($Seed).NextBytes($bytes)
    , $bytes
}

function Test-BytesEqual([byte[]] $Expected, [byte[]] $Actual) {
    $null -ne $Actual -and [System.Linq.Enumerable]::SequenceEqual($Expected, $Actual)
}

#region A raw .NET peer: a TcpListener on 127.0.0.1, port 0, and its accepted TcpClients.

function Start-RawPeer {
    param([ipaddress] $Address = [ipaddress]::Loopback)
    $listener = [System.Net.Sockets.TcpListener]::new($Address, 0)
    $listener.Start()
    $listener
}

function Get-RawConnection([System.Net.Sockets.TcpListener] $Peer, [int] $Timeout = 5000) {
    $task = $Peer.AcceptTcpClientAsync()
    if (-not $task.Wait($Timeout)) { throw "The raw peer accepted no connection within $Timeout ms." }
    $client = $task.Result
    $client.NoDelay = $true
    $client
}

# Writes each piece to the raw connection with a pause before it, on a runspace of its own, so the test's
# runspace can receive them as they arrive. Stop-PieceWriter waits for it (bounded) and disposes it.
function Start-PieceWriter {
    param([System.Net.Sockets.TcpClient] $Client, [object[]] $Pieces, [int] $DelayMs = 40, [switch] $CloseAfter)

    $ps = [powershell]::Create()
    $null = $ps.AddScript({
            param($Client, $Pieces, $DelayMs, $CloseAfter)
            $stream = $Client.GetStream()
            foreach ($piece in $Pieces) {
                Start-Sleep -Milliseconds $DelayMs
                $bytes = if ($piece -is [byte[]]) { $piece } else { [System.Text.Encoding]::UTF8.GetBytes([string] $piece) }
                $stream.Write($bytes, 0, $bytes.Length)
                $stream.Flush()
            }
            if ($CloseAfter) { $Client.Client.Shutdown([System.Net.Sockets.SocketShutdown]::Send) }
        }).AddArgument($Client).AddArgument($Pieces).AddArgument($DelayMs).AddArgument([bool] $CloseAfter)
    [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
}

function Stop-PieceWriter($Writer, [int] $Timeout = 10000) {
    if (-not $Writer) { return }
    $done = $Writer.Handle.AsyncWaitHandle.WaitOne($Timeout)
    if (-not $done) { $Writer.PowerShell.Stop() }
    $Writer.PowerShell.Dispose()
    $done | Should -BeTrue -Because 'the piece writer finishes'
}

#endregion

#region A peer in a thread job: runs a script block with the module imported, in a runspace of its own.

function Start-PeerJob {
    param([scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())
    Start-ThreadJob -ScriptBlock {
        param($ModulePath, $Script, $Arguments)
        $ErrorActionPreference = 'Stop'
        Import-Module $ModulePath
        try {
            & ([scriptblock]::Create($Script)) @Arguments
        }
        finally {
            Get-Socket | Close-Socket
        }
    } -ArgumentList $script:PSSocketModulePath, $ScriptBlock.ToString(), $ArgumentList
}

# Waits (bounded) for a peer job, writes its output, rethrows its first error, and removes it.
function Receive-PeerJob($Job, [int] $Timeout = 20000) {
    $null = Wait-Job $Job -Timeout ([Math]::Ceiling($Timeout / 1000))
    $state = $Job.State
    try {
        if ($state -ne 'Completed' -and $state -ne 'Failed') {
            throw "The peer job did not finish in $Timeout ms (state $state)."
        }
        Receive-Job $Job -ErrorAction Stop
    }
    finally {
        Remove-Job $Job -Force
    }
}

#endregion

#region Certificates made in memory with CertificateRequest: a CA, a server and a client certificate it issued,
# an expired server certificate, and a self-signed certificate nobody trusts. Nothing is written to a store.

function New-TestCertificateSet {
    $sha256 = [System.Security.Cryptography.HashAlgorithmName]::SHA256
    $now = [DateTimeOffset]::UtcNow

    $newRequest = {
        param([string] $Subject)
        # ECDSA P-256: quick to make on a busy machine, and spoken by every TLS stack here.
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $key, $sha256)
        , @($request, $key)
    }
    $serial = { $b = [byte[]]::new(8); [System.Random]::new().NextBytes($b); $b[0] = $b[0] -band 0x7f; , $b }
    $usage = {
        param([string] $Oid)
        $oids = [System.Security.Cryptography.OidCollection]::new()
        $null = $oids.Add([System.Security.Cryptography.Oid]::new($Oid))
        [System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($oids, $false)
    }
    $issue = {
        param($Request, $Key, $Issuer, [DateTimeOffset] $From, [DateTimeOffset] $To)
        $cert = $Request.Create($Issuer, $From, $To, (& $serial))
        $withKey = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::CopyWithPrivateKey($cert, $Key)
        # A PFX round trip gives a certificate whose key every TLS stack accepts.
        [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($withKey.Export('Pfx'), [string] $null, 'Exportable')
    }
    $serverSan = {
        $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        $san.AddDnsName('localhost')
        $san.AddIpAddress([ipaddress] '127.0.0.1')
        $san.AddIpAddress([ipaddress] '::1')
        $san.Build()
    }

    $r = & $newRequest 'CN=PSSocket Pester CA'
    $r[0].CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $r[0].CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    $ca = $r[0].CreateSelfSigned($now.AddDays(-60), $now.AddYears(1))

    $r = & $newRequest 'CN=localhost'
    $r[0].CertificateExtensions.Add((& $serverSan))
    $r[0].CertificateExtensions.Add((& $usage '1.3.6.1.5.5.7.3.1'))
    $server = & $issue $r[0] $r[1] $ca $now.AddDays(-1) $now.AddDays(90)

    $r = & $newRequest 'CN=pester-client'
    $r[0].CertificateExtensions.Add((& $usage '1.3.6.1.5.5.7.3.2'))
    $client = & $issue $r[0] $r[1] $ca $now.AddDays(-1) $now.AddDays(90)

    $r = & $newRequest 'CN=localhost'
    $r[0].CertificateExtensions.Add((& $serverSan))
    $r[0].CertificateExtensions.Add((& $usage '1.3.6.1.5.5.7.3.1'))
    $expired = & $issue $r[0] $r[1] $ca $now.AddDays(-30) $now.AddDays(-1)

    $r = & $newRequest 'CN=other.example'
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $san.AddDnsName('other.example')
    $r[0].CertificateExtensions.Add($san.Build())
    $r[0].CertificateExtensions.Add((& $usage '1.3.6.1.5.5.7.3.1'))
    $otherName = & $issue $r[0] $r[1] $ca $now.AddDays(-1) $now.AddDays(90)

    $r = & $newRequest 'CN=localhost'
    $r[0].CertificateExtensions.Add((& $serverSan))
    $selfSigned = $r[0].CreateSelfSigned($now.AddDays(-1), $now.AddDays(90))
    $selfSigned = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($selfSigned.Export('Pfx'), [string] $null, 'Exportable')

    [pscustomobject]@{
        CA         = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($ca.Export('Cert'))
        Server     = $server
        Client     = $client
        Expired    = $expired
        OtherName  = $otherName
        SelfSigned = $selfSigned
        ServerNoKey = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($server.Export('Cert'))
    }
}

# Writes a certificate with its key as a PFX file (optionally with a password) and returns the path.
function Export-TestPfx($Certificate, [string] $Password) {
    $path = New-TestPath '.pfx'
    $bytes = if ($Password) { $Certificate.Export('Pfx', $Password) } else { $Certificate.Export('Pfx') }
    [System.IO.File]::WriteAllBytes($path, $bytes)
    $path
}

# Writes a certificate (and its key, when it has one) as PEM files for openssl; returns the paths.
function Export-TestPem($Certificate) {
    $certPath = New-TestPath '.crt'
    $b64 = [Convert]::ToBase64String($Certificate.RawData, 'InsertLineBreaks')
    Set-Content -LiteralPath $certPath -Value "-----BEGIN CERTIFICATE-----`n$b64`n-----END CERTIFICATE-----"
    $keyPath = $null
    if ($Certificate.HasPrivateKey) {
        $keyPath = New-TestPath '.key'
        $key = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate)
        $keyB64 = [Convert]::ToBase64String($key.ExportPkcs8PrivateKey(), 'InsertLineBreaks')
        Set-Content -LiteralPath $keyPath -Value "-----BEGIN PRIVATE KEY-----`n$keyB64`n-----END PRIVATE KEY-----"
    }
    [pscustomobject]@{ Certificate = $certPath; Key = $keyPath }
}

#endregion

#region Command-line peers

# Starts a command-line peer with redirected streams; Stop-TestProcess stops it by its id.
function Start-TestProcess([string] $FilePath, [string[]] $ArgumentList) {
    $info = [System.Diagnostics.ProcessStartInfo]::new((Get-Command $FilePath -CommandType Application -ErrorAction Stop)[0].Source)
    foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($info)
}

function Stop-TestProcess($Process) {
    if (-not $Process) { return }
    if (-not $Process.HasExited) {
        Stop-Process -Id $Process.Id -Force -ErrorAction SilentlyContinue
        $null = $Process.WaitForExit(5000)
    }
    $Process.Dispose()
}

#endregion
