# A private nginx on loopback for the crawler examples: its own folder and configuration, a free port, stopped by
# process id. Imported by the examples (build.ps1 runs only examples/*.ps1, so this module is not run on its own).

function Start-PrivateNginx {
    param(
        # The folder for the configuration, logs and temporary files; made when missing.
        [Parameter(Mandatory)] [string] $Directory,
        # The inside of the server block after its listen line, e.g. 'root /srv/www;'.
        [Parameter(Mandatory)] [string] $Server,
        [int] $WorkerConnections = 4096
    )

    $nginx = @(Get-Command nginx -CommandType Application -ErrorAction SilentlyContinue)[0]
    if (-not $nginx) { throw 'nginx is not installed.' }
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $user = if ($IsLinux -and (id -u) -eq '0') { 'user root;' } else { '' }
    Set-Content -LiteralPath "$Directory/nginx.conf" -Value @"
daemon off;
master_process off;
$user
pid $Directory/nginx.pid;
error_log $Directory/error.log;
events { worker_connections $WorkerConnections; }
http {
  access_log off;
  keepalive_timeout 0;
  client_body_temp_path $Directory/body; proxy_temp_path $Directory/proxy; fastcgi_temp_path $Directory/fastcgi;
  uwsgi_temp_path $Directory/uwsgi; scgi_temp_path $Directory/scgi;
  server { listen 127.0.0.1:$port; $Server }
}
"@
    $process = Start-Process -FilePath $nginx.Source -ArgumentList '-c', "$Directory/nginx.conf", '-p', "$Directory/", '-e', "$Directory/error.log" `
        -PassThru -RedirectStandardOutput "$Directory/out.log" -RedirectStandardError "$Directory/err.log" -RedirectStandardInput '/dev/null'
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (-not (Test-SocketPort 127.0.0.1 $port -Timeout 500 -Quiet)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
            throw "nginx did not start: $(Get-Content "$Directory/err.log", "$Directory/error.log" -Raw -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Process = $process; Port = $port; Directory = $Directory }
}

function Stop-PrivateNginx {
    param([Parameter(Mandatory)] [object] $Nginx)

    Stop-Process -Id $Nginx.Process.Id -Force -ErrorAction SilentlyContinue
    $null = $Nginx.Process.WaitForExit(5000)
    $Nginx.Process.Dispose()
    Remove-Item -LiteralPath $Nginx.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Start-PrivateNginx, Stop-PrivateNginx
