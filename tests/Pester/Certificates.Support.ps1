# Support for Certificates.Tests.ps1: certificates written as PEM files, and real servers (nginx with its mail
# module, PostgreSQL, vsftpd, slapd) started on loopback with their own configuration in a temp folder, each
# stopped by its process id. Dot-source after _Common.ps1 (it uses New-TestPath, Wait-Until and $TestDirectory).
# A missing server skips its tests, except under CI=true, where they run and fail.

$script:NginxMailModule = '/usr/lib/nginx/modules/ngx_mail_module.so'
$script:PostgresBin = @(Get-Item -Path '/usr/lib/postgresql/*/bin' -ErrorAction SilentlyContinue |
        Sort-Object { [int] $_.Parent.Name } -Descending | Select-Object -First 1 -ExpandProperty FullName)[0]

function Test-ServerMissing([string] $Name) {
    if ($env:CI -eq 'true') { return $false }
    switch ($Name) {
        'nginx' { -not ((Get-Command nginx -ErrorAction SilentlyContinue) -and (Test-Path $script:NginxMailModule)) }
        'postgres' { -not $script:PostgresBin }
        'vsftpd' { -not (Get-Command vsftpd -ErrorAction SilentlyContinue) }
        'slapd' { -not (Get-Command slapd -ErrorAction SilentlyContinue) }
    }
}

#region Certificates: a root CA, an intermediate CA, and leaves for every verdict, as PEM files (PKCS#8 keys).

function New-PemCertificate {
    param(
        [string] $Name,
        [string] $Subject,
        [string[]] $DnsName = @(),
        [string[]] $IPAddress = @(),
        $Issuer,
        [DateTimeOffset] $NotBefore,
        [DateTimeOffset] $NotAfter,
        [switch] $CA
    )
    $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        $Subject, $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
    $extensions = $request.CertificateExtensions
    $extensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new([bool] $CA, $false, 0, $true))
    $extensions.Add([System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
    if ($CA) {
        $extensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    }
    if ($DnsName -or $IPAddress) {
        $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        foreach ($n in $DnsName) { $san.AddDnsName($n) }
        foreach ($a in $IPAddress) { $san.AddIpAddress([ipaddress] $a) }
        $extensions.Add($san.Build())
    }
    if ($Issuer) {
        $extensions.Add([System.Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension]::CreateFromCertificate($Issuer, $true, $false))
        $serial = [byte[]]::new(12)
        [System.Security.Cryptography.RandomNumberGenerator]::Fill($serial)
        $serial[0] = $serial[0] -band 0x7f
        $signed = $request.Create($Issuer, $NotBefore, $NotAfter, $serial)
        $certificate = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::CopyWithPrivateKey($signed, $key)
    }
    else {
        $certificate = $request.CreateSelfSigned($NotBefore, $NotAfter)
    }

    $certPath = Join-Path $script:TestDirectory "$Name.pem"
    $keyPath = Join-Path $script:TestDirectory "$Name.key"
    Set-Content -LiteralPath $certPath -Value $certificate.ExportCertificatePem() -NoNewline
    Set-Content -LiteralPath $keyPath -Value $key.ExportPkcs8PrivateKeyPem() -NoNewline
    [pscustomobject]@{ Name = $Name; Certificate = $certificate; Key = $key; CertPath = $certPath; KeyPath = $keyPath }
}

# Root and intermediate CAs, and leaves for localhost and 127.0.0.1 to 127.0.0.9: valid (root-issued), valid
# through the intermediate (its file carries the intermediate after the leaf), expiring in 3 days, expired,
# issued for another name, and self-signed. RootPath is the trust anchor file the tests hand to the module.
function New-CertificateFleet {
    $now = [DateTimeOffset]::UtcNow
    $ips = 1..9 | ForEach-Object { "127.0.0.$_" }
    $root = New-PemCertificate -Name root -Subject 'CN=PSSocket Fleet Root CA' -CA -NotBefore $now.AddDays(-400) -NotAfter $now.AddYears(5)
    $intermediate = New-PemCertificate -Name intermediate -Subject 'CN=PSSocket Fleet Intermediate CA' -CA -Issuer $root.Certificate `
        -NotBefore $now.AddDays(-300) -NotAfter $now.AddYears(4)
    $leaf = @{ DnsName = 'localhost'; IPAddress = $ips }
    $fleet = [ordered]@{
        Root         = $root
        Intermediate = $intermediate
        Valid        = New-PemCertificate -Name valid -Subject 'CN=localhost' @leaf -Issuer $root.Certificate -NotBefore $now.AddDays(-1) -NotAfter $now.AddDays(90)
        Chain        = New-PemCertificate -Name chain -Subject 'CN=localhost chain' @leaf -Issuer $intermediate.Certificate -NotBefore $now.AddDays(-1) -NotAfter $now.AddDays(90)
        Expiring     = New-PemCertificate -Name expiring -Subject 'CN=localhost expiring' @leaf -Issuer $root.Certificate -NotBefore $now.AddDays(-60) -NotAfter $now.AddDays(3).AddHours(1)
        Expired      = New-PemCertificate -Name expired -Subject 'CN=localhost expired' @leaf -Issuer $root.Certificate -NotBefore $now.AddDays(-60) -NotAfter $now.AddDays(-1)
        WrongName    = New-PemCertificate -Name wrongname -Subject 'CN=wrong.pssocket.test' -DnsName 'wrong.pssocket.test' -Issuer $root.Certificate -NotBefore $now.AddDays(-1) -NotAfter $now.AddDays(90)
        SelfSigned   = New-PemCertificate -Name selfsigned -Subject 'CN=localhost self-signed' @leaf -NotBefore $now.AddDays(-1) -NotAfter $now.AddDays(90)
    }
    # The chain leaf's file: the leaf, then the intermediate, as servers send them.
    Add-Content -LiteralPath $fleet.Chain.CertPath -Value ("`n" + $intermediate.Certificate.ExportCertificatePem())
    [pscustomobject]$fleet
}

#endregion

#region Processes: started with their streams in files, stopped by id (SIGTERM first, so servers clean up).

# Ports handed out so far: the system may offer a released port again, and two servers of one configuration
# (nginx's mail blocks) must never get the same one.
$script:PortsHandedOut = [System.Collections.Generic.HashSet[int]]::new()

function Get-FreeLoopbackPort([string] $Address = '127.0.0.1') {
    for ($attempt = 0; $attempt -lt 50; $attempt++) {
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress] $Address, 0)
        $listener.Start()
        try { $port = $listener.LocalEndpoint.Port } finally { $listener.Stop() }
        if ($script:PortsHandedOut.Add($port)) { return $port }
    }
    throw "No loopback port on $Address that was not handed out already."
}

function Start-ServerProcess([string] $Name, [string] $FilePath, [string[]] $ArgumentList) {
    $log = Join-Path $script:TestDirectory $Name
    Start-Process -FilePath $FilePath -ArgumentList $ArgumentList -PassThru `
        -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -RedirectStandardInput '/dev/null'
}

function Stop-ServerProcess($Process) {
    if (-not $Process) { return }
    if (-not $Process.HasExited) {
        & kill -TERM $Process.Id 2>$null
        if (-not $Process.WaitForExit(5000)) {
            Stop-Process -Id $Process.Id -Force -ErrorAction SilentlyContinue
            $null = $Process.WaitForExit(5000)
        }
    }
    $Process.Dispose()
}

# Waits (bounded) until every end point accepts a TCP connection; throws with the server's log when one does not.
function Wait-ServerReady($Process, [string] $Name, [object[]] $EndPoints, [int] $Timeout = 15000) {
    foreach ($e in $EndPoints) {
        $ready = Wait-Until -Timeout $Timeout -Condition {
            $Process.HasExited -or (Test-SocketPort $e.Address $e.Port -Timeout 500 -Quiet)
        }
        if (-not $ready -or $Process.HasExited) {
            $log = Join-Path $script:TestDirectory $Name
            $text = (Get-Content "$log.out", "$log.err" -Raw -ErrorAction SilentlyContinue) -join "`n"
            throw "$Name did not listen on $($e.Address):$($e.Port) (exited: $($Process.HasExited)). Its output: $text"
        }
    }
}

#endregion

#region Servers

# nginx with its mail module, one process (master_process off), no auth_http needed: the STARTTLS dialogue comes
# before authentication. Each end point: Address, Port, Protocol (smtp, imap, pop3), Tls (starttls, ssl, off) and
# a certificate of the fleet.
function Start-NginxMail([object[]] $EndPoints) {
    $dir = Join-Path $script:TestDirectory 'nginx'
    $null = New-Item -ItemType Directory -Path $dir -Force
    $servers = foreach ($e in $EndPoints) {
        $listen = if ($e.Tls -eq 'ssl') { "$($e.Address):$($e.Port) ssl" } else { "$($e.Address):$($e.Port)" }
        $starttls = if ($e.Tls -eq 'starttls') { 'on' } else { 'off' }
        "  server { listen $listen; protocol $($e.Protocol); starttls $starttls;" +
        " ssl_certificate $($e.Certificate.CertPath); ssl_certificate_key $($e.Certificate.KeyPath); }"
    }
    $config = @"
daemon off;
master_process off;
user root;
pid $dir/nginx.pid;
error_log $dir/error.log;
load_module $script:NginxMailModule;
events { worker_connections 1024; }
mail {
  server_name mail.pssocket.test;
  auth_http 127.0.0.1:9/auth;
$($servers -join "`n")
}
"@
    Set-Content -LiteralPath "$dir/nginx.conf" -Value $config
    $process = Start-ServerProcess 'nginx' 'nginx' @('-c', "$dir/nginx.conf", '-p', "$dir/", '-e', "$dir/error.log")
    try { Wait-ServerReady $process 'nginx' $EndPoints } catch { Stop-ServerProcess $process; throw }
    $process
}

# A PostgreSQL cluster made by initdb in the temp folder, run as the postgres user (it refuses root), ssl=on.
function Start-PostgresTls([string] $Address, [int] $Port, $Certificate) {
    $dir = Join-Path $script:TestDirectory 'postgres'
    $null = New-Item -ItemType Directory -Path $dir -Force
    Copy-Item $Certificate.CertPath "$dir/server.pem"
    Copy-Item $Certificate.KeyPath "$dir/server.key"
    & chown -R postgres $dir
    & chmod 600 "$dir/server.key"
    $asPostgres = @('--reuid', 'postgres', '--regid', 'postgres', '--init-groups')
    & setpriv @asPostgres "$script:PostgresBin/initdb" -D "$dir/data" -A trust -U postgres --no-sync *> "$dir/initdb.log"
    if ($LASTEXITCODE -ne 0) { throw "initdb failed: $(Get-Content "$dir/initdb.log" -Raw)" }
    $arguments = $asPostgres + @("$script:PostgresBin/postgres", '-D', "$dir/data", '-k', $dir, '-h', $Address, '-p', $Port,
        '-c', 'ssl=on', '-c', "ssl_cert_file=$dir/server.pem", '-c', "ssl_key_file=$dir/server.key", '-c', 'fsync=off')
    $process = Start-ServerProcess 'postgres' 'setpriv' $arguments
    try { Wait-ServerReady $process 'postgres' @(@{ Address = $Address; Port = $Port }) } catch { Stop-ServerProcess $process; throw }
    $process
}

# vsftpd in the foreground (background=NO) with AUTH TLS, or without TLS at all when no certificate is given.
function Start-Vsftpd([string] $Address, [int] $Port, $Certificate) {
    $name = "vsftpd-$Port"
    $dir = Join-Path $script:TestDirectory $name
    $null = New-Item -ItemType Directory -Path $dir -Force
    $tls = if ($Certificate) {
        "ssl_enable=YES`nrsa_cert_file=$($Certificate.CertPath)`nrsa_private_key_file=$($Certificate.KeyPath)"
    }
    else { 'ssl_enable=NO' }
    Set-Content -LiteralPath "$dir/vsftpd.conf" -Value @"
listen=YES
listen_ipv6=NO
listen_address=$Address
listen_port=$Port
background=NO
anonymous_enable=NO
local_enable=YES
seccomp_sandbox=NO
xferlog_enable=NO
secure_chroot_dir=/var/run/vsftpd/empty
vsftpd_log_file=$dir/vsftpd.log
$tls
"@
    $null = New-Item -ItemType Directory -Path '/var/run/vsftpd/empty' -Force
    $process = Start-ServerProcess $name 'vsftpd' @("$dir/vsftpd.conf")
    try { Wait-ServerReady $process $name @(@{ Address = $Address; Port = $Port }) } catch { Stop-ServerProcess $process; throw }
    $process
}

# slapd in the foreground (-d 0) with one empty mdb database, and StartTLS when a certificate is given.
function Start-SlapdTls([string] $Address, [int] $Port, $Certificate) {
    $name = "slapd-$Port"
    $dir = Join-Path $script:TestDirectory $name
    $null = New-Item -ItemType Directory -Path "$dir/db" -Force
    $tls = if ($Certificate) { "TLSCertificateFile $($Certificate.CertPath)`nTLSCertificateKeyFile $($Certificate.KeyPath)" } else { '' }
    Set-Content -LiteralPath "$dir/slapd.conf" -Value @"
include /etc/ldap/schema/core.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
$tls
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=pssocket,dc=test"
directory $dir/db
"@
    $process = Start-ServerProcess $name 'slapd' @('-f', "$dir/slapd.conf", '-h', "ldap://$($Address):$Port/", '-d', '0')
    try { Wait-ServerReady $process $name @(@{ Address = $Address; Port = $Port }) } catch { Stop-ServerProcess $process; throw }
    $process
}

#endregion
