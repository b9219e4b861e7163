# Run by the pwsh-roundtrip scenario in a real pwsh: per-call cost of Send-SocketData + Receive-SocketData
# against an -Echo listener, next to two trivial binary cmdlet calls and the raw NetworkStream round trip, all
# from this one script. Writes one JSON object of medians (microseconds per round trip).
param([string] $Manifest, [int] $Iterations = 5000, [int] $Rounds = 5, [int] $LargeIterations = 300)

$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$listener = Start-SocketListener -Port 0 -Echo
$port = $listener.LocalEndPoint.Port
$s = Connect-Socket 127.0.0.1 $port -NoDelay
$client = [System.Net.Sockets.TcpClient]::new()
$client.NoDelay = $true
$client.Connect([System.Net.IPAddress]::Loopback, $port)
$stream = $client.GetStream()
$one = [byte[]]::new(1)
$large = [byte[]]::new(65536)
$largeIn = [byte[]]::new(65536)

$process = [System.Diagnostics.Process]::GetCurrentProcess()
$cpu = @{}

# Wall-clock microseconds per call; the process's CPU microseconds per call go to $cpu[$Name] (less swayed by
# other load on a busy machine, though they include the in-process echo server's share).
function Measure-PerCall([string] $Name, [scriptblock] $Body, [int] $Count) {
    $process.Refresh()
    $before = $process.TotalProcessorTime
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    & $Body $Count
    $wall = $watch.Elapsed.TotalMilliseconds * 1000 / $Count
    $process.Refresh()
    if ($Name) { $cpu[$Name] += , (($process.TotalProcessorTime - $before).TotalMilliseconds * 1000 / $Count) }
    $wall
}

$cmdlets = { param($n) for ($i = 0; $i -lt $n; $i++) { Send-SocketData -Session $s -Data $one; $null = Receive-SocketData -Session $s -Count 1 -AsByteArray } }
$piped = { param($n) for ($i = 0; $i -lt $n; $i++) { $s | Send-SocketData $one; $null = $s | Receive-SocketData -Count 1 -AsByteArray } }
$trivial = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = Get-Random -Minimum 0 -Maximum 5; $null = Get-Random -Minimum 0 -Maximum 5 } }
$raw = { param($n) for ($i = 0; $i -lt $n; $i++) { $stream.Write($one, 0, 1); $null = $stream.Read($one, 0, 1) } }
$cmdletsLarge = { param($n) for ($i = 0; $i -lt $n; $i++) { Send-SocketData -Session $s -Data $large; $null = Receive-SocketData -Session $s -Count 65536 -AsByteArray } }
$rawLarge = { param($n) for ($i = 0; $i -lt $n; $i++) {
        $stream.Write($large, 0, 65536)
        $got = 0
        while ($got -lt 65536) { $got += $stream.Read($largeIn, $got, 65536 - $got) }
    } }

# Warm up every path (JIT, caches), then interleave the rounds so drift hits all alike.
foreach ($body in $cmdlets, $piped, $trivial, $raw) { $null = Measure-PerCall '' $body 1000 }
foreach ($body in $cmdletsLarge, $rawLarge) { $null = Measure-PerCall '' $body 20 }
$results = @{ cmdlets = @(); piped = @(); trivial = @(); raw = @(); cmdletsLarge = @(); rawLarge = @() }
for ($r = 0; $r -lt $Rounds; $r++) {
    $results.cmdlets += Measure-PerCall 'cmdlets' $cmdlets $Iterations
    $results.piped += Measure-PerCall 'piped' $piped $Iterations
    $results.trivial += Measure-PerCall 'trivial' $trivial $Iterations
    $results.raw += Measure-PerCall 'raw' $raw $Iterations
    $results.cmdletsLarge += Measure-PerCall 'cmdletsLarge' $cmdletsLarge $LargeIterations
    $results.rawLarge += Measure-PerCall 'rawLarge' $rawLarge $LargeIterations
}

$client.Dispose()
$s, $listener | Close-Socket
function Get-Median($values) { $sorted = @($values | Sort-Object); $sorted[[int][math]::Floor($sorted.Count / 2)] }
$median = @{}
foreach ($key in @($results.Keys)) {
    $median[$key] = Get-Median $results[$key]
    $median["cpu_$key"] = Get-Median $cpu[$key]
}
$median | ConvertTo-Json -Compress
