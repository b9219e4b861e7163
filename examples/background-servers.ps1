<#
.SYNOPSIS
    The four background servers of Start-SocketListener, each with clients made by the module in the same script,
    and the jobs that report what the servers did.

.DESCRIPTION
    Start-SocketListener -Echo, -Greeting, -Broadcast and -ScriptBlock serve connections on background threads,
    so one script (or the prompt) can run a server and be its clients at once:

    - the echo server sends a client's line back;
    - the greeting server greets each client with a banner line and closes;
    - the chat broker relays each line to the other clients, and says goodbye to a client that sends 'quit';
    - the script-block server runs a handler per connection in a runspace pool; a handler that throws fails only
      its own connection, and its error waits in the server's job for Receive-Job.

    Each server is a job (Get-Job lists it) and its listener's Server property counts its connections and bytes.
    Closing the listeners stops the servers and completes their jobs.

.EXAMPLE
    dotnet pwsh examples/background-servers.ps1
#>
[CmdletBinding()]
param(
    # How long each connect and receive may wait, in milliseconds.
    [ValidateRange(1, 600000)]
    [int] $Timeout = 5000
)

if (-not (Get-Module -Name PSSocket)) {
    Import-Module "$PSScriptRoot/../out/PSSocket/PSSocket.psd1" -ErrorAction Stop
}

$ErrorActionPreference = 'Stop'

# A server accepts on its own thread, a moment after a client's connect completes: wait for its counters.
function Wait-Server([object] $Listener, [string] $Counter, [int] $Value) {
    $deadline = [DateTime]::UtcNow.AddMilliseconds($Timeout)
    while ($Listener.Server.$Counter -ne $Value) {
        if ([DateTime]::UtcNow -gt $deadline) {
            throw "The server's $Counter did not reach $Value within $Timeout ms."
        }
        [System.Threading.Thread]::Sleep(10)
    }
}

'--- Echo'
$echo = Start-SocketListener -Echo
$client = Connect-Socket 127.0.0.1 $echo.LocalEndPoint.Port -Timeout $Timeout
$client | Send-SocketData 'hello, echo' -Line
"Client got back: $($client | Receive-SocketData -Line -Timeout $Timeout)"
$client | Close-Socket
Wait-Server $echo Active 0

'--- Greeting'
$greeter = Start-SocketListener -Greeting "220 pssocket.example ready`r`n"
foreach ($n in 1..2) {
    $visitor = Connect-Socket 127.0.0.1 $greeter.LocalEndPoint.Port -Timeout $Timeout
    "Client $n read the banner: $($visitor | Receive-SocketData -Line -Timeout $Timeout)"
    $visitor | Close-Socket
}
Wait-Server $greeter Active 0

'--- Broadcast'
$chat = Start-SocketListener -Broadcast
$alice = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout $Timeout
$bob = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout $Timeout
$carol = Connect-Socket 127.0.0.1 $chat.LocalEndPoint.Port -Timeout $Timeout
Wait-Server $chat Active 3
$alice | Send-SocketData 'hi all, this is alice' -Line
"Bob got:    $($bob | Receive-SocketData -Line -Timeout $Timeout)"
"Carol got:  $($carol | Receive-SocketData -Line -Timeout $Timeout)"
$bob | Send-SocketData 'quit' -Line
"Bob was told: $($bob | Receive-SocketData -Line -Timeout $Timeout)"
Wait-Server $chat Active 2
$carol | Send-SocketData 'bye, bob' -Line
"Alice got:  $($alice | Receive-SocketData -Line -Timeout $Timeout)"
$alice, $bob, $carol | Close-Socket

'--- Script block'
$upper = Start-SocketListener -ScriptBlock {
    param($session, $prefix)
    $line = $session | Receive-SocketData -Line -Timeout 5000
    if ($line -eq 'fail') {
        throw "cannot handle '$line'"
    }
    $session | Send-SocketData "$prefix$($line.ToUpperInvariant())" -Line
    "handled '$line'"
} -ArgumentList 'UPPER: '
foreach ($word in 'hello', 'fail', 'world') {
    $c = Connect-Socket 127.0.0.1 $upper.LocalEndPoint.Port -Timeout $Timeout
    $c | Send-SocketData $word -Line
    $reply = $c | Receive-SocketData -ToEnd -Timeout $Timeout
    "Sent '$word', got back: '$($reply.TrimEnd())'"
    $c | Close-Socket
}
Wait-Server $upper Active 0

'--- What the servers did'
$echo.Server, $greeter.Server, $chat.Server, $upper.Server
''
'The script-block server''s job, read with Receive-Job:'
Receive-Job $upper.Job -ErrorAction SilentlyContinue -ErrorVariable handlerErrors
$handlerErrors | ForEach-Object { "Error $($_.FullyQualifiedErrorId.Split(',')[0]): $($_.Exception.Message)" }

$echo, $greeter, $chat, $upper | Close-Socket
Get-Job | ForEach-Object { "Job $($_.Name): $($_.State)" }
Get-Job | Remove-Job
"Open sessions left: $(@(Get-Socket).Count)"
