# A real sshd on loopback for the remoting tests: its own configuration, host key, user key and known_hosts in a
# temporary folder, listening on several 127.0.0.x addresses that stand for several hosts, with the pwsh running
# these tests as its `powershell` subsystem. Nothing outside the folder is changed except that sshd's
# privilege-separation folder (/run/sshd) is made when it is missing. Dot-source it in BeforeAll.

function Get-SshdPath {
    foreach ($candidate in '/usr/sbin/sshd', '/usr/local/sbin/sshd') {
        if (Test-Path -Path $candidate) { return $candidate }
    }
    $null
}

# The command line that starts this same pwsh (the .NET tool's host runs pwsh.dll from $PSHOME), with a module
# folder first on its PSModulePath, as if the module were installed on the remote host.
function Get-PwshSubsystemCommand {
    param([string] $ModuleRoot)
    $process = [Environment]::ProcessPath
    $pwsh = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'pwsh') { $process } else { "$process $(Join-Path $PSHOME 'pwsh.dll')" }
    "/usr/bin/env PSModulePath=$ModuleRoot $pwsh -sshs -NoLogo -NoProfile"
}

function Get-FreeTcpPort {
    param([string] $Address)
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Parse($Address), 0)
    $probe.Start()
    try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
}

function Invoke-Tool {
    param([string] $FilePath, [string[]] $ArgumentList)
    $output = & $FilePath @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code ${LASTEXITCODE}: $output"
    }
    $output
}

<#
    Starts sshd, whose remote pwsh finds the modules in -ModuleRoot by name, and returns an object with HostName (the addresses), Port, UserName, KeyFilePath, Options (for
    Invoke-Command -Options), Process, Directory and Log. Stop it with Stop-SshTestHost.
#>
function Start-SshTestHost {
    param(
        [Parameter(Mandatory)] [string] $ModuleRoot,
        [string[]] $Address = @('127.0.0.2', '127.0.0.3', '127.0.0.4')
    )

    $sshd = Get-SshdPath
    if (-not $sshd) { throw 'sshd is not installed (apt-get install openssh-server).' }
    $directory = Join-Path ([IO.Path]::GetTempPath()) "pssocket-sshd-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -Path $directory -ItemType Directory | Out-Null
    $hostKey = Join-Path $directory 'host_key'
    $userKey = Join-Path $directory 'user_key'
    $authorizedKeys = Join-Path $directory 'authorized_keys'
    $knownHosts = Join-Path $directory 'known_hosts'
    $config = Join-Path $directory 'sshd_config'
    $log = Join-Path $directory 'sshd.log'

    Invoke-Tool ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-f', $hostKey) | Out-Null
    Invoke-Tool ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-f', $userKey) | Out-Null
    Copy-Item -Path "$userKey.pub" -Destination $authorizedKeys
    if (-not $IsWindows) {
        Invoke-Tool chmod @('600', $userKey, $authorizedKeys) | Out-Null
        if (-not (Test-Path -Path '/run/sshd')) { New-Item -Path '/run/sshd' -ItemType Directory | Out-Null }
    }

    $process = $null
    try {
        for ($attempt = 1; $attempt -le 3; $attempt++) {
            $port = Get-FreeTcpPort -Address $Address[0]
            @(
                "Port $port"
                $Address | ForEach-Object { "ListenAddress $_" }
                "HostKey $hostKey"
                "PidFile $(Join-Path $directory 'sshd.pid')"
                "AuthorizedKeysFile $authorizedKeys"
                'StrictModes no'
                'UsePAM no'
                'PasswordAuthentication no'
                'KbdInteractiveAuthentication no'
                'PubkeyAuthentication yes'
                'PermitRootLogin prohibit-password'
                "Subsystem powershell $(Get-PwshSubsystemCommand -ModuleRoot $ModuleRoot)"
            ) | Set-Content -Path $config
            Invoke-Tool $sshd @('-t', '-f', $config) | Out-Null

            # -D keeps sshd in the foreground, so the process started is the one to stop; -E appends its log. Its
            # standard streams go to files: an inherited pipe would keep the caller's output open while it runs.
            $process = Start-Process -FilePath $sshd -ArgumentList @('-D', '-f', $config, '-E', $log) -PassThru `
                -RedirectStandardInput '/dev/null' -RedirectStandardOutput (Join-Path $directory 'stdout') `
                -RedirectStandardError (Join-Path $directory 'stderr')
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            $listening = 0
            while ([DateTime]::UtcNow -lt $deadline -and -not $process.HasExited) {
                # sshd makes its log file only when it first writes to it.
                $listening = if (Test-Path -LiteralPath $log) { @(Select-String -LiteralPath $log -Pattern 'Server listening on').Count } else { 0 }
                if ($listening -ge $Address.Count) { break }
                Start-Sleep -Milliseconds 100
            }
            if ($listening -ge $Address.Count) { break }
            if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force }
            if ($attempt -eq 3) { throw "sshd did not start: $(Get-Content -Path $log -Raw -ErrorAction Ignore)" }
        }

        # The hosts' keys, so that ssh checks them strictly against this folder's known_hosts only.
        $Address | ForEach-Object {
            Invoke-Tool ssh-keyscan @('-p', "$port", '-t', 'ed25519', $_) | Where-Object { $_ -is [string] -and $_ -notmatch '^#' }
        } | Set-Content -Path $knownHosts
    }
    catch {
        if ($process -and -not $process.HasExited) { Stop-Process -Id $process.Id -Force }
        Remove-Item -Path $directory -Recurse -Force -ErrorAction Ignore
        throw
    }

    [pscustomobject]@{
        HostName    = $Address
        Port        = $port
        UserName    = [Environment]::UserName
        KeyFilePath = $userKey
        Options     = @{ UserKnownHostsFile = $knownHosts; StrictHostKeyChecking = 'yes' }
        Process     = $process
        Directory   = $directory
        Log         = $log
    }
}

function Stop-SshTestHost {
    param($SshHost)
    if (-not $SshHost) { return }
    if (-not $SshHost.Process.HasExited) {
        Stop-Process -Id $SshHost.Process.Id -Force
        $SshHost.Process.WaitForExit(10000) | Out-Null
    }
    Remove-Item -Path $SshHost.Directory -Recurse -Force -ErrorAction Ignore
}
