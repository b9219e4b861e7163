using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Bench
{
    /// <summary>
    /// The background servers of Start-SocketListener under load, each part bounded in count and time:
    /// 1,000 concurrent clients x 256 KiB against -Echo (byte for byte, against a raw .NET async echo server);
    /// 10,000 echo clients connected at once, each checking its own 4 KiB, with the process's threads and memory;
    /// 10,000 connect/close cycles against -Greeting with the session list, threads and file descriptors checked
    /// against their start; the accept rate of -Greeting against a raw .NET accept loop in the same run; and
    /// new clients served while 500 idle connections hold the echo server.
    /// </summary>
    internal sealed class ServerCapacityScenario : IScenario
    {
        private const int EchoClients = 1_000;
        private const int CrowdClients = 10_000;
        private const int MaxThreadsAim = 64;
        private const int EchoRounds = 3;
        private const int EchoBytes = 256 * 1024;
        private const int Chunk = 16 * 1024;
        private const int Cycles = 10_000;
        private const int CycleWorkers = 8;
        private const int RateConnections = 5_000;
        private const int RateRounds = 5;
        private const int RateWorkers = 16;
        private const int IdleConnections = 500;
        private const int Probes = 200;
        private const int SpareDescriptors = 256;
        private static readonly TimeSpan PartLimit = TimeSpan.FromSeconds(120);
        private static readonly byte[] Greeting = Encoding.ASCII.GetBytes("220 pssocket bench ready\r\n");

        public string Name => "servers";

        public string Description => "Background servers: 1,000 echo clients x 256 KiB, 10,000 echo clients at once, 10,000 greeting cycles, accept rate vs raw .NET, 500 idle";

        public void Run(Report report)
        {
            // Each echo client costs two descriptors in this process (the client socket and the accepted one); the
            // 10,000 clients at once run in a child process, so only their accepted ends count here.
            int needed = Math.Max(EchoClients * 2, CrowdClients) + SpareDescriptors;
            long limit = FileLimit.Raise(needed);
            int clients = (int)Math.Min(EchoClients, Math.Max(1, (limit - SpareDescriptors) / 2));
            int crowd = (int)Math.Min(CrowdClients, Math.Max(1, limit - SpareDescriptors));
            string? limitNote = limit < needed
                ? $"open-file limit {limit} (ulimit -n) allows only {clients} clients; raise it to {needed}"
                : null;
            Console.Error.WriteLine($"  open-file limit: {limit} (needed {needed})");

            using var host = new BenchHost();
            EchoPart(host, report, clients, limitNote);
            CrowdPart(host, report, crowd, limitNote);
            CyclePart(host, report);
            AcceptRatePart(host, report);
            IdlePart(host, report);
        }

        // ---- 1,000 concurrent echo clients -------------------------------------------------------------------

        /// <summary>
        /// Rounds of the module's echo and the raw one, alternating which goes first (the first run of a process warms
        /// the clients' code for the second); the medians are compared.
        /// </summary>
        private void EchoPart(BenchHost host, Report report, int clients, string? limitNote)
        {
            var module = new List<EchoRun>();
            var raw = new List<double>();
            int peakThreads = 0;
            int threadsAtStart = ProcessFacts.Threads();
            bool countsRight = true;
            long expected = (long)clients * EchoBytes;
            for (int round = 0; round < EchoRounds; round++)
            {
                if (round % 2 == 0)
                {
                    raw.Add(RawEcho(clients));
                }

                SocketSession listener = Start(host, "Start-SocketListener -Echo");
                try
                {
                    module.Add(RunEchoClients(Port(listener), clients, () => listener.Server!.Active, out int peak));
                    peakThreads = Math.Max(peakThreads, peak);
                }
                finally
                {
                    host.Invoke("$l | Close-Socket");
                }

                ServerStatistics counted = listener.Server!;
                countsRight &= counted.Accepted == clients && counted.BytesReceived == expected && counted.BytesSent == expected;
                if (round % 2 == 1)
                {
                    raw.Add(RawEcho(clients));
                }
            }

            int exact = module.Sum(r => r.Exact);
            int failed = module.Sum(r => r.Failed);
            report.Add(Name, $"echo: {clients} concurrent clients x 256 KiB (median of {EchoRounds})", Stats.Median(module.Select(r => r.MiBPerSecond).ToArray()), "MiB/s",
                "raw .NET async echo", Stats.Median(raw.ToArray()),
                limitNote ?? $"{exact}/{clients * EchoRounds} byte-exact, {failed} failed; server counts of every round {(countsRight ? "right" : "WRONG")}; "
                + $"{string.Join(", ", module.Select(r => r.Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} s");
            report.Add(Name, "echo: byte-exact clients", exact, "clients", note: exact == clients * EchoRounds && failed == 0 ? "all" : "SOME FAILED: " + module.First(r => r.FirstError != null).FirstError);
            report.Add(Name, "echo: peak process threads", peakThreads, "threads", note: AimNote(peakThreads, threadsAtStart));
        }

        private static double RawEcho(int clients)
        {
            using var rawServer = new RawEchoServer();
            return RunEchoClients(rawServer.Port, clients, () => rawServer.Active, out _).MiBPerSecond;
        }

        private sealed class EchoRun
        {
            public int Clients;
            public int Exact;
            public int Failed;
            public double Seconds;
            public string? FirstError;

            /// <summary>Bytes echoed back per second, all clients together.</summary>
            public double MiBPerSecond => Clients * (double)EchoBytes / (1024 * 1024) / Seconds;
        }

        /// <summary>Connects every client first (so they are all open at once), then all send and check their echo at once.</summary>
        private static EchoRun RunEchoClients(int port, int clients, Func<int> serverActive, out int peakThreads)
        {
            using var limit = new CancellationTokenSource(PartLimit);
            var sockets = new Socket[clients];
            var result = new EchoRun { Clients = clients };
            try
            {
                // Connected asynchronously, 32 at a time: blocking waits here would grow the thread pool the server's
                // peak thread count is measured in.
                using (var gate = new SemaphoreSlim(32))
                {
                    Task.WaitAll(Enumerable.Range(0, clients).Select(async i =>
                    {
                        await gate.WaitAsync(limit.Token);
                        try
                        {
                            sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                            await sockets[i].ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit.Token);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }).ToArray());
                }

                WaitUntil(() => serverActive() >= clients, limit.Token);
                using var threads = new ThreadPeak();

                var watch = Stopwatch.StartNew();
                Task<string?>[] runs = Enumerable.Range(0, clients)
                    .Select(i => Task.Run(() => EchoOne(sockets[i], seed: 0x5EED0000UL + (ulong)i, limit.Token)))
                    .ToArray();
                while (!Task.WaitAll(runs, 200))
                {
                    limit.Token.ThrowIfCancellationRequested();
                }

                peakThreads = threads.Peak;

                result.Seconds = watch.Elapsed.TotalSeconds;
                foreach (Task<string?> run in runs)
                {
                    if (run.Result == null)
                    {
                        result.Exact++;
                    }
                    else
                    {
                        result.Failed++;
                        result.FirstError ??= run.Result;
                    }
                }
            }
            finally
            {
                foreach (Socket? socket in sockets)
                {
                    socket?.Dispose();
                }
            }

            return result;
        }

        /// <summary>Sends 256 KiB of this client's own random bytes while reading the echo back; null when every byte matches.</summary>
        private static async Task<string?> EchoOne(Socket socket, ulong seed, CancellationToken cancel)
        {
            try
            {
                Task send = Task.Run(async () =>
                {
                    var source = new XorShift(seed);
                    var chunk = new byte[Chunk];
                    for (int sent = 0; sent < EchoBytes; sent += Chunk)
                    {
                        source.Fill(chunk);
                        for (int offset = 0; offset < Chunk;)
                        {
                            offset += await socket.SendAsync(chunk.AsMemory(offset), SocketFlags.None, cancel);
                        }
                    }

                    socket.Shutdown(SocketShutdown.Send);
                });

                var expected = new XorShift(seed);
                var want = new byte[Chunk];
                var got = new byte[Chunk];
                int received = 0;
                int wantFilled = 0;
                int wantUsed = 0;
                while (true)
                {
                    int n = await socket.ReceiveAsync(got.AsMemory(), SocketFlags.None, cancel);
                    if (n == 0)
                    {
                        break;
                    }

                    for (int i = 0; i < n; i++)
                    {
                        if (wantUsed == wantFilled)
                        {
                            expected.Fill(want);
                            wantFilled = Chunk;
                            wantUsed = 0;
                        }

                        if (got[i] != want[wantUsed++])
                        {
                            return $"byte {received + i} differs";
                        }
                    }

                    received += n;
                    if (received > EchoBytes)
                    {
                        return $"{received} bytes came back, more than were sent";
                    }
                }

                await send;
                return received == EchoBytes ? null : $"{received} of {EchoBytes} bytes came back";
            }
            catch (Exception e)
            {
                return e.GetType().Name + ": " + e.Message;
            }
        }

        // ---- 10,000 echo clients connected at once -------------------------------------------------------------

        private void CrowdPart(BenchHost host, Report report, int clients, string? limitNote)
        {
            SocketSession listener = Start(host, "Start-SocketListener -Echo");
            EchoCrowd crowd;
            try
            {
                crowd = EchoCrowd.Run(Port(listener), clients, () => listener.Server!.Active, PartLimit);
            }
            finally
            {
                host.Invoke("$l | Close-Socket");
            }

            report.Add(Name, $"echo: {clients:N0} clients connected at once, 4 KiB each", crowd.Exact, "byte-exact",
                note: limitNote ?? $"{crowd.Connected:N0} connected in {crowd.ConnectSeconds:0.0} s, {crowd.Failed} failed"
                + $"{(crowd.FirstError == null ? string.Empty : " (" + crowd.FirstError + ")")}; all echoed in {crowd.EchoSeconds:0.0} s");
            report.Add(Name, $"echo: peak process threads, {clients:N0} clients", crowd.PeakThreads, "threads", note: AimNote(crowd.PeakThreads, crowd.ThreadsAtStart));
            report.Add(Name, $"echo: live managed memory growth, {clients:N0} clients connected", crowd.ManagedGrowthBytes / (1024.0 * 1024), "MiB",
                note: $"{crowd.ManagedGrowthBytes / 1024.0 / Math.Max(1, crowd.Connected):0.0} KiB per connection (after a full GC); server process only, clients in a child process");
            report.Add(Name, $"echo: resident memory growth, {clients:N0} clients connected", crowd.ResidentGrowthBytes / (1024.0 * 1024), "MiB",
                note: "the heap freed by the earlier parts is reused first, so this can read low");
        }

        private static string AimNote(int threads, int atStart) =>
            (threads <= MaxThreadsAim ? $"aim <= {MaxThreadsAim}: met" : $"aim <= {MaxThreadsAim}: NOT met") + $"; {atStart} before the clients started";

        // ---- 10,000 connect/close cycles: nothing leaks --------------------------------------------------------

        private void CyclePart(BenchHost host, Report report)
        {
            SocketSession listener = Start(host, "Start-SocketListener -Greeting ([byte[]]$greeting)", Greeting);
            int port = Port(listener);
            try
            {
                RunCycles(port, 200, CycleWorkers);
                WaitUntil(() => listener.Server!.Active == 0, CancellationToken.None, 10_000);
                int sessionsStart = Sessions(host);
                int threadsStart = ProcessFacts.Threads();
                int fdsStart = ProcessFacts.OpenDescriptors();

                var watch = Stopwatch.StartNew();
                (int done, int failed, string? error) = RunCycles(port, Cycles, CycleWorkers);
                double seconds = watch.Elapsed.TotalSeconds;

                // Connections close on the server a moment after the client sees the greeting; pool threads retire
                // when idle. Wait (bounded) for every count to come back.
                var settle = Stopwatch.StartNew();
                int sessionsEnd = 0, threadsEnd = 0, fdsEnd = 0;
                while (settle.ElapsedMilliseconds < 60_000)
                {
                    sessionsEnd = Sessions(host);
                    threadsEnd = ProcessFacts.Threads();
                    fdsEnd = ProcessFacts.OpenDescriptors();
                    if (sessionsEnd <= sessionsStart && threadsEnd <= threadsStart && fdsEnd <= fdsStart)
                    {
                        break;
                    }

                    Thread.Sleep(250);
                }

                report.Add(Name, $"greeting: {Cycles:N0} connect/close cycles", done / seconds, "cycles/s",
                    note: $"{done:N0} greeted, {failed} failed{(error == null ? string.Empty : " (" + error + ")")}; server: {listener.Server!.Accepted:N0} accepted, {listener.Server.Active} active");
                report.Add(Name, "greeting: sessions after cycles", sessionsEnd, "sessions", "at start", sessionsStart, Verdict(sessionsEnd, sessionsStart, settle));
                report.Add(Name, "greeting: threads after cycles", threadsEnd, "threads", "at start", threadsStart, Verdict(threadsEnd, threadsStart, settle));
                report.Add(Name, "greeting: open fds after cycles", fdsEnd, "fds", "at start", fdsStart, Verdict(fdsEnd, fdsStart, settle));
            }
            finally
            {
                host.Invoke("$l | Close-Socket");
            }
        }

        private static string Verdict(int end, int start, Stopwatch settle) =>
            end <= start ? $"back to start ({settle.ElapsedMilliseconds} ms after the last cycle)" : $"NOT back after {settle.ElapsedMilliseconds} ms";

        /// <summary>Blocking clients on threads of their own: connect, read the greeting to the end, close.</summary>
        private static (int done, int failed, string? error) RunCycles(int port, int count, int workers)
        {
            int next = -1;
            int done = 0;
            int failed = 0;
            string? firstError = null;
            var deadline = Stopwatch.StartNew();
            var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
            {
                var buffer = new byte[256];
                while (Interlocked.Increment(ref next) < count && deadline.Elapsed < PartLimit)
                {
                    try
                    {
                        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
                        socket.Connect(IPAddress.Loopback, port);
                        int total = 0;
                        int n;
                        while ((n = socket.Receive(buffer, total, buffer.Length - total, SocketFlags.None)) > 0)
                        {
                            total += n;
                        }

                        if (!buffer.AsSpan(0, total).SequenceEqual(Greeting))
                        {
                            throw new InvalidDataException($"got {total} bytes that are not the greeting");
                        }

                        Interlocked.Increment(ref done);
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, e.GetType().Name + ": " + e.Message, null);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return (done, failed, firstError);
        }

        // ---- accept rate: -Greeting against a raw .NET accept loop ------------------------------------------

        private void AcceptRatePart(BenchHost host, Report report)
        {
            var module = new List<double>();
            var raw = new List<double>();
            // Alternate which goes first, so neither always runs on a warmer (or more cluttered) machine.
            for (int round = 0; round < RateRounds; round++)
            {
                if (round % 2 == 0)
                {
                    raw.Add(RawRate());
                    module.Add(ModuleRate(host));
                }
                else
                {
                    module.Add(ModuleRate(host));
                    raw.Add(RawRate());
                }
            }

            double moduleRate = Stats.Median(module.ToArray());
            double rawRate = Stats.Median(raw.ToArray());
            report.Add(Name, $"greeting: accept rate ({RateConnections:N0} connections, {RateWorkers} client threads, median of {RateRounds})",
                moduleRate, "conn/s", "raw .NET accept loop (accept, send, close)", rawRate, moduleRate / rawRate >= 0.9 ? "aim >= 0.90x: met" : "aim >= 0.90x: NOT met");
        }

        private static double RawRate()
        {
            using var rawServer = new RawGreetingServer();
            return Rate(rawServer.Port);
        }

        private static double ModuleRate(BenchHost host)
        {
            SocketSession listener = Start(host, "Start-SocketListener -Greeting ([byte[]]$greeting)", Greeting);
            try
            {
                return Rate(Port(listener));
            }
            finally
            {
                host.Invoke("$l | Close-Socket");
            }
        }

        private static double Rate(int port)
        {
            RunCycles(port, 200, RateWorkers);
            var watch = Stopwatch.StartNew();
            (int done, int failed, string? error) = RunCycles(port, RateConnections, RateWorkers);
            if (failed > 0)
            {
                Console.Error.WriteLine($"  {failed} connections failed: {error}");
            }

            return done / watch.Elapsed.TotalSeconds;
        }

        // ---- 500 idle connections do not stop new clients -----------------------------------------------------

        private void IdlePart(BenchHost host, Report report)
        {
            SocketSession listener = Start(host, "Start-SocketListener -Echo");
            int port = Port(listener);
            var idle = new List<Socket>();
            try
            {
                double[] without = Probe(port, out int servedWithout);
                for (int i = 0; i < IdleConnections; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    idle.Add(socket);
                    socket.Connect(IPAddress.Loopback, port);
                }

                WaitUntil(() => listener.Server!.Active >= IdleConnections, CancellationToken.None, 30_000);
                double[] with = Probe(port, out int servedWith);
                report.Add(Name, $"echo: new clients served with {IdleConnections} idle connections open", servedWith, "clients",
                    note: $"of {Probes}; without idle ones: {servedWithout} of {Probes}");
                report.Add(Name, "echo: median round trip of a new client, 500 idle open", Stats.Median(with), "ms", "no idle connections", Stats.Median(without));
                report.Add(Name, "echo: slowest round trip of a new client, 500 idle open", with.Max(), "ms", "no idle connections", without.Max());
            }
            finally
            {
                idle.ForEach(s => s.Dispose());
                host.Invoke("$l | Close-Socket");
            }
        }

        /// <summary>New clients one after another: connect, send 64 bytes, read them back, close. Milliseconds each.</summary>
        private static double[] Probe(int port, out int served)
        {
            var times = new List<double>();
            served = 0;
            var message = new byte[64];
            var back = new byte[64];
            new Random(7).NextBytes(message);
            for (int i = 0; i < Probes; i++)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 5_000 };
                    socket.Connect(IPAddress.Loopback, port);
                    socket.Send(message);
                    int total = 0;
                    while (total < back.Length)
                    {
                        int n = socket.Receive(back, total, back.Length - total, SocketFlags.None);
                        if (n == 0)
                        {
                            break;
                        }

                        total += n;
                    }

                    if (total == back.Length && back.AsSpan().SequenceEqual(message))
                    {
                        served++;
                    }
                }
                catch (SocketException)
                {
                    // Counted as not served.
                }

                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            return times.ToArray();
        }

        // ---- helpers --------------------------------------------------------------------------------------------

        private static SocketSession Start(BenchHost host, string command, byte[]? greeting = null)
        {
            host.SetVariable("greeting", greeting);
            return (SocketSession)host.Invoke($"$l = {command}; $l")[0].BaseObject;
        }

        private static int Port(SocketSession session) => ((IPEndPoint)session.LocalEndPoint!).Port;

        private static int Sessions(BenchHost host) => (int)host.Invoke("@(Get-Socket).Count")[0].BaseObject;

        internal static void WaitUntil(Func<bool> condition, CancellationToken cancel, int timeoutMs = 60_000)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                cancel.ThrowIfCancellationRequested();
                if (watch.ElapsedMilliseconds > timeoutMs)
                {
                    throw new TimeoutException($"Condition not met within {timeoutMs} ms.");
                }

                Thread.Sleep(10);
            }
        }

        /// <summary>xorshift64*: a client's own reproducible random stream, so its echo can be checked without keeping it.</summary>
        private sealed class XorShift
        {
            private ulong _state;

            public XorShift(ulong seed)
            {
                _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;
            }

            public void Fill(byte[] buffer)
            {
                for (int i = 0; i < buffer.Length; i += 8)
                {
                    _state ^= _state >> 12;
                    _state ^= _state << 25;
                    _state ^= _state >> 27;
                    ulong value = _state * 0x2545F4914F6CDD1DUL;
                    for (int b = 0; b < 8 && i + b < buffer.Length; b++)
                    {
                        buffer[i + b] = (byte)(value >> (8 * b));
                    }
                }
            }
        }

        /// <summary>The reference echo server: a Task per connection, 64 KiB buffer.</summary>
        private sealed class RawEchoServer : IDisposable
        {
            private readonly Socket _listener;
            private readonly CancellationTokenSource _stop = new CancellationTokenSource();
            private int _active;

            public RawEchoServer()
            {
                _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                _listener.Listen(4096);
                _ = Task.Run(AcceptLoop);
            }

            public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

            public int Active => Volatile.Read(ref _active);

            public void Dispose()
            {
                _stop.Cancel();
                _listener.Dispose();
            }

            private async Task AcceptLoop()
            {
                try
                {
                    while (true)
                    {
                        Socket client = await _listener.AcceptAsync(_stop.Token);
                        _ = Task.Run(() => Echo(client));
                    }
                }
                catch (Exception)
                {
                    // Stopped.
                }
            }

            private async Task Echo(Socket client)
            {
                Interlocked.Increment(ref _active);
                try
                {
                    var buffer = new byte[64 * 1024];
                    int n;
                    while ((n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token)) > 0)
                    {
                        for (int sent = 0; sent < n;)
                        {
                            sent += await client.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token);
                        }
                    }
                }
                catch (Exception)
                {
                    // The client went away.
                }
                finally
                {
                    Interlocked.Decrement(ref _active);
                    client.Dispose();
                }
            }
        }

        /// <summary>The reference accept loop: one thread accepts, sends the greeting and closes, as simply as .NET allows.</summary>
        private sealed class RawGreetingServer : IDisposable
        {
            private readonly Socket _listener;
            private readonly Thread _thread;

            public RawGreetingServer()
            {
                _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                _listener.Listen(4096);
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
            }

            public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

            public void Dispose()
            {
                _listener.Dispose();
                _thread.Join(5000);
            }

            private void Loop()
            {
                try
                {
                    while (true)
                    {
                        using Socket client = _listener.Accept();
                        client.Send(Greeting);
                        client.Shutdown(SocketShutdown.Both);
                    }
                }
                catch (Exception)
                {
                    // The listener closed.
                }
            }
        }
    }
}
