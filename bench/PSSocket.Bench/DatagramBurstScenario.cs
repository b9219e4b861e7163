using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// A burst of 100,000 64-byte UDP datagrams sent over loopback as fast as one raw .NET socket can send them,
    /// and how many a receiver loses: a raw .NET receive loop and a PSSocket session read through the pipeline,
    /// each with the OS default receive buffer and with the module's default (4 MiB asked for); and the first burst
    /// into a freshly started pwsh reading with -Stream | ForEach-Object (cold: nothing compiled yet).
    /// </summary>
    internal sealed class DatagramBurstScenario : IScenario
    {
        private const int Datagrams = 100_000;
        private const int Size = 64;
        /// <summary>Runs of each receiver; PSSOCKET_BENCH_RUNS sets another number.</summary>
        private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("PSSOCKET_BENCH_RUNS"), out int runs) && runs > 0 ? runs : 5;

        public string Name => "datagram-burst";

        public string Description => "100,000 64-byte UDP datagrams at full speed on loopback: loss, OS default buffer vs the module's default";

        public void Run(Report report)
        {
            if (Environment.GetEnvironmentVariable("PSSOCKET_BENCH_COLD_ONLY") == "1")
            {
                Measure(report, "PSSocket in a fresh pwsh (cold), module default", ColdBurst);
                return;
            }

            int osDefault = OsDefaultReceiveBuffer();
            Measure(report, "raw .NET receive loop, OS default buffer", () => RawBurst(null));
            Measure(report, "raw .NET receive loop, 4 MiB asked", () => RawBurst(4 * 1024 * 1024));

            using var host = new BenchHost();
            // Linux doubles what SO_RCVBUF is given, so half of rmem_default gives a socket exactly the OS default.
            string osDefaultOption = osDefault > 0 ? $"-ReceiveBufferSize {osDefault / 2}" : string.Empty;
            Measure(report, "PSSocket session, OS default buffer", () => SessionBurst(host, osDefaultOption));
            Measure(report, "PSSocket session, module default", () => SessionBurst(host, string.Empty));
            Measure(report, "raw .NET, module default buffer, reader 1 s late", () => RawBurst(4 * 1024 * 1024, lateMs: 1000));
            Measure(report, "PSSocket session, module default, script busy 1 s", () => SessionBurst(host, string.Empty, busyMs: 1000));
            Measure(report, "PSSocket in a fresh pwsh (cold), module default", ColdBurst);
        }

        /// <summary>
        /// A pwsh started for this burst imports the module, opens the socket, says its port and starts reading; the
        /// burst goes out as soon as the port is known, so it meets a host that has compiled nothing yet.
        /// </summary>
        private static Burst ColdBurst()
        {
            string script = $"Import-Module '{BenchHost.ManifestPath}'; $s = Start-SocketListener -Protocol Udp; "
                + "[Console]::Out.WriteLine($s.LocalEndPoint.Port); [Console]::Out.Flush(); $n = 0; "
                + "$s | Receive-SocketData -Stream -Timeout 1500 | ForEach-Object { $n++ }; "
                + "[Console]::Out.WriteLine(\"$n $($s.Socket.ReceiveBufferSize)\")";
            var info = new ProcessStartInfo("dotnet", new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
                WorkingDirectory = BenchHost.RepoRoot,
            };
            using Process pwsh = Process.Start(info)!;
            try
            {
                Task<string?> portLine = pwsh.StandardOutput.ReadLineAsync();
                if (!portLine.Wait(60_000) || !int.TryParse(portLine.Result, out int port))
                {
                    throw new InvalidOperationException("The fresh pwsh did not report its port: " + portLine.Result);
                }

                double sendRate = Send(new IPEndPoint(IPAddress.Loopback, port));
                Task<string?> countLine = pwsh.StandardOutput.ReadLineAsync();
                if (!countLine.Wait(60_000) || countLine.Result == null)
                {
                    throw new InvalidOperationException("The fresh pwsh did not report its count.");
                }

                string[] parts = countLine.Result.Split(' ');
                return new Burst(int.Parse(parts[0]), int.Parse(parts[1]), sendRate, double.NaN);
            }
            finally
            {
                if (!pwsh.WaitForExit(10_000))
                {
                    pwsh.Kill(entireProcessTree: true);
                    pwsh.WaitForExit(5000);
                }
            }
        }

        private static void Measure(Report report, string what, Func<Burst> run)
        {
            var bursts = Enumerable.Range(0, Runs).Select(_ => run()).ToList();
            double median = Stats.Median(bursts.Select(b => b.LossPercent).ToArray());
            Burst first = bursts[0];
            report.Add(
                "datagram-burst",
                $"{what}: loss (SO_RCVBUF {first.EffectiveBuffer:N0} B)",
                median,
                "%",
                note: $"runs {string.Join(", ", bursts.Select(b => b.LossPercent.ToString("0.00")))} %; sent at {Stats.Median(bursts.Select(b => b.SendRate).ToArray()):N0}/s; received {string.Join(", ", bursts.Select(b => b.Received))}; delivered at {Stats.Median(bursts.Select(b => b.DeliveryRate).ToArray()):N0}/s");
        }

        private static Burst RawBurst(int? receiveBuffer, int lateMs = 0)
        {
            using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            if (receiveBuffer.HasValue)
            {
                receiver.ReceiveBufferSize = receiveBuffer.Value;
            }

            receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            receiver.ReceiveTimeout = 1000 + lateMs;
            int received = 0;
            var watch = new Stopwatch();
            double lastSeconds = 0;
            var reader = new Thread(() =>
            {
                var buffer = new byte[65536];
                Thread.Sleep(lateMs);
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                try
                {
                    while (true)
                    {
                        receiver.ReceiveFrom(buffer, ref from);
                        received++;
                        lastSeconds = watch.Elapsed.TotalSeconds;
                    }
                }
                catch (SocketException)
                {
                    // A second without datagrams: the burst is over.
                }
            });
            reader.Start();
            Thread.Sleep(100);
            watch.Start();
            double sendRate = Send((IPEndPoint)receiver.LocalEndPoint!);
            reader.Join();
            return new Burst(received, receiver.ReceiveBufferSize, sendRate, received / Math.Max(1e-9, lastSeconds));
        }

        private static Burst SessionBurst(BenchHost host, string option, int busyMs = 0)
        {
            host.Invoke($"$burst = Start-SocketListener -Protocol Udp {option}");
            var session = (PSSocket.Sessions.SocketSession)host.Invoke("$burst")[0].BaseObject;
            var target = (IPEndPoint)session.LocalEndPoint!;
            double sendRate = 0;
            var sender = new Thread(() =>
            {
                Thread.Sleep(300);
                sendRate = Send(target);
            });
            sender.Start();
            var watch = Stopwatch.StartNew();
            int received = (int)host.Invoke(
                "[System.Threading.Thread]::Sleep(" + busyMs + "); $n = 0; $burst | Receive-SocketData -Stream -Timeout 1500 -AsByteArray | ForEach-Object { $n++ }; $n")[0].BaseObject;
            double seconds = watch.Elapsed.TotalSeconds - 1.5 - Math.Max(0.3, busyMs / 1000.0);
            sender.Join();
            int buffer = session.Socket!.ReceiveBufferSize;
            host.Invoke("$burst | Close-Socket");
            return new Burst(received, buffer, sendRate, received / Math.Max(1e-9, seconds));
        }

        /// <summary>Sends the burst from one raw socket as fast as it goes; returns datagrams per second.</summary>
        private static double Send(IPEndPoint target)
        {
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var payload = new byte[Size];
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < Datagrams; i++)
            {
                payload[0] = (byte)i;
                sender.SendTo(payload, target);
            }

            return Datagrams / watch.Elapsed.TotalSeconds;
        }

        private static int OsDefaultReceiveBuffer()
        {
            const string path = "/proc/sys/net/core/rmem_default";
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out int value) ? value : 0;
        }

        private sealed class Burst
        {
            public Burst(int received, int effectiveBuffer, double sendRate, double deliveryRate)
            {
                Received = received;
                EffectiveBuffer = effectiveBuffer;
                SendRate = sendRate;
                DeliveryRate = deliveryRate;
            }

            public int Received { get; }

            public int EffectiveBuffer { get; }

            public double SendRate { get; }

            public double DeliveryRate { get; }

            public double LossPercent => 100.0 * (Datagrams - Received) / Datagrams;
        }
    }
}
