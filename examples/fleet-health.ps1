<#
.SYNOPSIS
    A fleet health check: hosts and ports from a CSV, checked in parallel, locally or fanned out over remoting,
    with a summary grouped by status and the failures with their reasons.

.DESCRIPTION
    Each row of the CSV names a ComputerName and a Port, and optionally Via: the remote host (reached over SSH
    remoting) that should run the check, for a service only that host can reach. Rows without Via are checked
    from here in one Test-SocketPort call, which runs the checks in parallel itself (-ThrottleLimit). Rows with
    Via are grouped by that host and sent to all of them at once with Invoke-Command, each running
    Test-SocketPort there; the module must be installed on them (Install-PSResource PSSocket).

    Without -CsvPath the script makes a demonstration fleet on loopback: two listeners stand for healthy
    services, a port nobody listens on for a stopped one, and a name under .invalid for a host that is gone.

.EXAMPLE
    dotnet pwsh examples/fleet-health.ps1

    Checks the demonstration fleet on loopback.

.EXAMPLE
    ./examples/fleet-health.ps1 -CsvPath fleet.csv -UserName ops -KeyFilePath ~/.ssh/id_ed25519

    Checks the rows of fleet.csv (columns ComputerName, Port, Via), running the rows with a Via host there.
#>
[CmdletBinding()]
param(
    # A CSV with the columns ComputerName, Port and (optional) Via.
    [string] $CsvPath,

    # The user, key, port and ssh options (Invoke-Command -Options) for the SSH remoting to the Via hosts.
    [string] $UserName = [Environment]::UserName,
    [string] $KeyFilePath,
    [int] $SshPort = 22,
    [hashtable] $SshOptions,

    # How long each check may wait, in milliseconds.
    [ValidateRange(1, 600000)]
    [int] $Timeout = 3000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'
$demo = [System.Collections.Generic.List[object]]::new()
try {
    if (-not $CsvPath) {
        $web = Start-SocketListener
        $db = Start-SocketListener
        $stopped = Start-SocketListener
        $stoppedPort = $stopped.LocalEndPoint.Port
        $stopped | Close-Socket
        $demo.AddRange(@($web, $db))
        $CsvPath = Join-Path ([IO.Path]::GetTempPath()) "pssocket-fleet-$PID.csv"
        @(
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $web.LocalEndPoint.Port; Via = '' }
            [pscustomobject]@{ ComputerName = 'localhost'; Port = $db.LocalEndPoint.Port; Via = '' }
            [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $stoppedPort; Via = '' }
            [pscustomobject]@{ ComputerName = 'retired.invalid'; Port = 443; Via = '' }
        ) | Export-Csv -Path $CsvPath -NoTypeInformation
    }

    $rows = Import-Csv -Path $CsvPath
    $local = @($rows | Where-Object { -not $_.Via })
    $remote = @($rows | Where-Object { $_.Via })

    # Local rows: one Test-SocketPort call per row, all piped into one command, which checks them in parallel.
    $results = @(
        if ($local) {
            $local | Test-SocketPort -Timeout $Timeout -ThrottleLimit 200
        }
        if ($remote) {
            $connection = @{ UserName = $UserName; Port = $SshPort }
            if ($KeyFilePath) { $connection.KeyFilePath = $KeyFilePath }
            if ($SshOptions) { $connection.Options = $SshOptions }
            foreach ($group in $remote | Group-Object -Property Via) {
                Invoke-Command -HostName $group.Name @connection -ScriptBlock {
                    param($Targets, $Timeout)
                    Import-Module PSSocket
                    $Targets | Test-SocketPort -Timeout $Timeout -ThrottleLimit 200
                } -ArgumentList @($group.Group | Select-Object ComputerName, @{ Name = 'Port'; Expression = { [int] $_.Port } }), $Timeout
            }
        }
    )

    "Checked $($results.Count) end points from $CsvPath"
    $results | Group-Object -Property Status | Sort-Object -Property Name |
        ForEach-Object { '  {0,-16} {1}' -f $_.Name, $_.Count }

    $failures = @($results | Where-Object { -not $_.Success })
    if ($failures) {
        "Failures:"
        foreach ($failure in $failures) {
            $from = if ($failure.PSObject.Properties['PSComputerName']) { " (from $($failure.PSComputerName))" } else { '' }
            '  {0}:{1}{2}: {3} {4}' -f $failure.ComputerName, $failure.Port, $from, $failure.Status, $failure.ErrorId
        }
    }
}
finally {
    $demo | Close-Socket
    if ($demo.Count -gt 0 -and $CsvPath) { Remove-Item -Path $CsvPath -ErrorAction Ignore }
}
