# Support for Proxies.Tests.ps1: real proxy servers (danted, tinyproxy, ncat --proxy-type http) started on loopback
# with their own configuration in a folder of their own, each stopped by its process id; the system account danted
# checks SOCKS5 passwords against; and a target that speaks first (socat). The same logic as the xunit ProxyDaemon.
# Dot-source after _Common.ps1 (it uses Wait-Until and $TestDirectory). Processes are stopped and ports handed out
# by the helpers of Certificates.Support.ps1.

. "$PSScriptRoot/Certificates.Support.ps1"

$script:ProxyUserName = 'pssocketproxy'
$script:ProxyUserPassword = 'Proxy-Pass-1'

# Daemons live in sbin, which a test's PATH may lack.
function Get-ProxyProgram([string] $Name) {
    $found = Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($found) { return $found.Source }
    foreach ($dir in '/usr/sbin', '/usr/bin', '/sbin') {
        if (Test-Path "$dir/$Name") { return "$dir/$Name" }
    }
    $null
}

# A missing program skips its tests, except under CI=true, where they run and fail.
function Test-ProxyProgramMissing([string[]] $Name) {
    if ($env:CI -eq 'true') { return $false }
    [bool] ($Name | Where-Object { -not (Get-ProxyProgram $_) })
}

# Runs $Path with its streams on files in $Folder: the shell redirects them, then execs the program, so the process
# id is the program's and nothing of ours writes to a pipe the program may have closed.
function Start-DaemonProcess([string] $Path, [string[]] $ArgumentList, [string] $Folder) {
    $info = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $info.UseShellExecute = $false
    $info.ArgumentList.Add('-c')
    $info.ArgumentList.Add("exec `"`$0`" `"`$@`" </dev/null >'$Folder/stdout' 2>'$Folder/stderr'")
    $info.ArgumentList.Add($Path)
    foreach ($a in $ArgumentList) { $info.ArgumentList.Add($a) }
    [System.Diagnostics.Process]::Start($info)
}

# Starts $Program with $Configuration (when given) written to a file; {folder}, {port} and {config} in the
# configuration and the arguments stand for the daemon's folder, a free loopback port and the file. Waits until it
# listens on the port (read from /proc/net/tcp, so no connection is spent on it).
function Start-ProxyDaemon([string] $Program, [string] $Configuration, [string[]] $ArgumentList) {
    $path = Get-ProxyProgram $Program
    if (-not $path) { throw "$Program is not installed; .ci/run installs it with apt-get." }
    $folder = Join-Path $script:TestDirectory "$Program-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $folder
    $port = Get-FreeLoopbackPort
    $config = Join-Path $folder "$Program.conf"
    $fill = { param([string] $Text) $Text.Replace('{folder}', $folder).Replace('{port}', "$port").Replace('{config}', $config) }
    if ($Configuration) { Set-Content -LiteralPath $config -Value (& $fill $Configuration) }

    $process = Start-DaemonProcess $path @($ArgumentList | ForEach-Object { & $fill $_ }) $folder
    $daemon = [pscustomobject]@{ Program = $Program; Process = $process; Port = $port; Folder = $folder }
    $listening = "0100007F:{0:X4} 00000000:0000 0A" -f $port
    $anywhere = "00000000:{0:X4} 00000000:0000 0A" -f $port
    $ready = Wait-Until -Timeout 15000 -Condition {
        $process.HasExited -or ((Get-Content /proc/net/tcp -Raw) -match "$listening|$anywhere")
    }
    if (-not $ready -or $process.HasExited) {
        $log = (Get-Content "$folder/stdout", "$folder/stderr" -Raw -ErrorAction SilentlyContinue) -join "`n"
        Stop-ProxyDaemon $daemon
        throw "$Program did not listen on 127.0.0.1:$port (exited: $($process.HasExited)). Its output: $log"
    }
    $daemon
}

# By its id: SIGTERM first, so the daemon's children go too.
function Stop-ProxyDaemon($Daemon) {
    if ($Daemon) { Stop-ServerProcess $Daemon.Process }
}

# The configurations the xunit proxy tests use too; {port}, {folder} and {config} are Start-ProxyDaemon's.
$script:ProxyConfigurations = Join-Path $PSScriptRoot '../proxies'

# danted without authentication ('none') or with user name and password ('username'), connects to $BlockedPort refused by a rule.
function Start-Dante([string] $Method = 'none', [int] $BlockedPort = 9) {
    $configuration = (Get-Content -Raw "$script:ProxyConfigurations/danted.conf").Replace('{method}', $Method).Replace('{blocked}', "$BlockedPort")
    Start-ProxyDaemon danted $configuration '-f', '{config}', '-p', '{folder}/danted.pid'
}

# tinyproxy in the foreground; $Extra adds configuration lines (BasicAuth user password).
function Start-Tinyproxy([string] $Extra = '') {
    $configuration = (Get-Content -Raw "$script:ProxyConfigurations/tinyproxy.conf") + "`n$Extra`n"
    Start-ProxyDaemon tinyproxy $configuration '-d', '-c', '{config}'
}

# ncat's HTTP proxy; in proxy mode it listens on every address, so --allow keeps all but loopback out.
function Start-NcatProxy([string[]] $Extra = @()) {
    Start-ProxyDaemon ncat $null (@('-l', '127.0.0.1', '{port}', '--proxy-type', 'http', '--allow', '127.0.0.1') + $Extra)
}

# The system account danted's 'username' method checks; made (without a home or a shell) only when absent. Needs root.
function Initialize-ProxyUser {
    & id -u $script:ProxyUserName *> $null
    if ($LASTEXITCODE -eq 0) { return }
    & useradd --system --no-create-home --shell /usr/sbin/nologin $script:ProxyUserName
    if ($LASTEXITCODE -ne 0) { throw "useradd $script:ProxyUserName failed ($LASTEXITCODE)." }
    "$($script:ProxyUserName):$($script:ProxyUserPassword)" | & chpasswd
    if ($LASTEXITCODE -ne 0) { throw "chpasswd for $script:ProxyUserName failed ($LASTEXITCODE)." }
}

function New-ProxyCredential([string] $Password = $script:ProxyUserPassword) {
    [pscredential]::new($script:ProxyUserName, (ConvertTo-SecureString $Password -AsPlainText -Force))
}

# A target that speaks first: socat sends $Greeting on each connection, then echoes what it receives (cat).
function Start-GreetingTarget([string] $Greeting = '220 socat-target ready') {
    $script = Join-Path $script:TestDirectory "greeting-$([guid]::NewGuid().ToString('N')).sh"
    Set-Content -LiteralPath $script -Value "printf '$Greeting\n'`nexec cat"
    $port = Get-FreeLoopbackPort
    $folder = Join-Path $script:TestDirectory "socat-$port"
    $null = New-Item -ItemType Directory -Path $folder
    $process = Start-DaemonProcess (Get-ProxyProgram socat) "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork", "EXEC:/bin/sh $script" $folder
    $target = [pscustomobject]@{ Program = 'socat'; Process = $process; Port = $port; Greeting = "$Greeting`n" }
    $listening = "0100007F:{0:X4} 00000000:0000 0A" -f $port
    if (-not (Wait-Until -Timeout 15000 -Condition { $process.HasExited -or (Get-Content /proc/net/tcp -Raw).Contains($listening) }) -or $process.HasExited) {
        Stop-ProxyDaemon $target
        throw "socat did not listen on 127.0.0.1:$port."
    }
    $target
}
