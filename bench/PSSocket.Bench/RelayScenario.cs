using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Bench
{
    /// <summary>
    /// Start-SocketListener -ForwardTo under load, loopback only: one 1 GiB stream through the relay against socat
    /// relaying the same stream and against a direct raw .NET transfer; 1,000 concurrent connections through the
    /// relay to an echo server, byte-exact, with the process's peak threads; a small round trip through the relay
    /// against the same round trip direct (median and 99th percentile).
    /// </summary>
    internal sealed class RelayScenario : IScenario
    {
        private const long StreamSize = 1L << 30;
        private const int ChunkSize = 64 * 1024;
        private const int Crowd = 1000;
        private const int CrowdBytes = 16 * 1024;
        private const int RoundTripCount = 2000;

        public string Name => "relay";

        public string Description => "-ForwardTo: 1 GiB through the relay vs socat and direct; 1,000 connections; round-trip latency";

        public void Run(Report report)
        {
            using var host = new BenchHost();
            ThroughputPart(host, report);
            CrowdPart(host, report);
            LatencyPart(host, report);
            host.Invoke("Get-Socket | Close-Socket");
        }

        private void ThroughputPart(BenchHost host, Report report)
        {
            using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            sink.Listen(16);
            int sinkPort = ((IPEndPoint)sink.LocalEndPoint!).Port;

            double direct = Best(() => Transfer(sink, sinkPort));
            SocketSession relay = Start(host, $"Start-SocketListener -ForwardTo 127.0.0.1:{sinkPort} -NoSummary");
            double relayed = Best(() => Transfer(sink, Port(relay)));
            relay.Close();
            report.Add(Name, "1 GiB through the relay", Gbps(relayed), "Gbit/s", "direct raw .NET 64 KiB", Gbps(direct),
                "best of 3; the relay adds a read and a write of every chunk and a second loopback hop, on the same 2 cores as sender and sink");

            if (!ExternalProgram.Exists("socat"))
            {
                report.Add(Name, "socat relay", double.NaN, "Gbit/s", note: "socat not installed");
                return;
            }

            int socatPort = LoopbackPorts.FreeLowPort();
            using (ExternalProgram socat = ExternalProgram.Start($"socat TCP-LISTEN:{socatPort},bind=127.0.0.1,fork,reuseaddr TCP:127.0.0.1:{sinkPort}"))
            {
                ExternalProgram.WaitForListener(socatPort);
                double viaSocat = Best(() => Transfer(sink, socatPort));
                report.Add(Name, "1 GiB through the relay vs socat", Gbps(relayed), "Gbit/s", "socat fork relay", Gbps(viaSocat), "aim >= 1.5x");
            }
        }

        /// <summary>Sends 1 GiB to <paramref name="port"/>, which leads to <paramref name="sink"/>; checks the count and a checksum; seconds.</summary>
        private static double Transfer(Socket sink, int port)
        {
            var chunk = new byte[ChunkSize];
            new Random(7).NextBytes(chunk);
            long expectedSum = Checksum(chunk, ChunkSize) * (StreamSize / ChunkSize);
            Task<(long count, long sum)> draining = Task.Run(() =>
            {
                using Socket accepted = sink.Accept();
                var buffer = new byte[ChunkSize];
                long count = 0, sum = 0;
                int n;
                while ((n = accepted.Receive(buffer)) > 0)
                {
                    count += n;
                    sum += Checksum(buffer, n);
                }

                return (count, sum);
            });

            var watch = Stopwatch.StartNew();
            using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                client.Connect(new IPEndPoint(IPAddress.Loopback, port));
                for (long sent = 0; sent < StreamSize; sent += ChunkSize)
                {
                    client.Send(chunk);
                }

                client.Shutdown(SocketShutdown.Send);
                if (!draining.Wait(300_000))
                {
                    throw new TimeoutException("The 1 GiB transfer did not finish within 5 minutes.");
                }
            }

            double seconds = watch.Elapsed.TotalSeconds;
            (long count, long sum) = draining.Result;
            if (count != StreamSize || sum != expectedSum)
            {
                throw new InvalidOperationException($"The sink got {count} bytes (checksum {sum}), not {StreamSize} ({expectedSum}).");
            }

            return seconds;
        }

        private static double Best(Func<double> run) => Enumerable.Range(0, 3).Select(_ => run()).Min();

        /// <summary>A position-independent sum: enough to catch lost or altered bytes of a repeated chunk.</summary>
        private static long Checksum(byte[] buffer, int count)
        {
            long sum = 0;
            for (int i = 0; i < count; i++)
            {
                sum += buffer[i];
            }

            return sum;
        }

        private void CrowdPart(BenchHost host, Report report)
        {
            SocketSession echo = Start(host, "Start-SocketListener -Echo");
            SocketSession relay = Start(host, $"Start-SocketListener -ForwardTo 127.0.0.1:{Port(echo)} -NoSummary");
            using var threads = new ThreadPeak();
            var watch = Stopwatch.StartNew();
            Task<bool>[] clients = Enumerable.Range(0, Crowd).Select(i => EchoThroughAsync(Port(relay), i)).ToArray();
            if (!Task.WaitAll(clients, 300_000))
            {
                throw new TimeoutException("1,000 relayed connections did not finish within 5 minutes.");
            }

            double seconds = watch.Elapsed.TotalSeconds;
            int exact = clients.Count(c => c.Result);
            report.Add(Name, $"{Crowd} concurrent connections, {CrowdBytes / 1024} KiB each way, byte-exact", exact, "connections", note: $"{seconds:F1} s");
            report.Add(Name, $"peak threads, {Crowd} relayed connections", threads.Peak, "threads", note: $"aim <= 64 (at start {threads.AtStart}; includes the echo server and the clients)");
            relay.Close();
            echo.Close();
        }

        private static async Task<bool> EchoThroughAsync(int port, int seed)
        {
            var payload = new byte[CrowdBytes];
            new Random(seed).NextBytes(payload);
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
            Task<byte[]> reading = ReadToEndAsync(client);
            for (int sent = 0; sent < payload.Length;)
            {
                sent += await client.SendAsync(new ArraySegment<byte>(payload, sent, payload.Length - sent), SocketFlags.None).ConfigureAwait(false);
            }

            client.Shutdown(SocketShutdown.Send);
            return (await reading.ConfigureAwait(false)).AsSpan().SequenceEqual(payload);
        }

        private static async Task<byte[]> ReadToEndAsync(Socket socket)
        {
            var all = new List<byte>();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                all.AddRange(new ArraySegment<byte>(buffer, 0, n));
            }

            return all.ToArray();
        }

        private void LatencyPart(BenchHost host, Report report)
        {
            SocketSession echo = Start(host, "Start-SocketListener -Echo");
            SocketSession relay = Start(host, $"Start-SocketListener -ForwardTo 127.0.0.1:{Port(echo)} -NoSummary");
            double[] direct = RoundTrips(Port(echo));
            double[] relayed = RoundTrips(Port(relay));
            report.Add(Name, "32-byte round trip via relay, median", Stats.Median(relayed), "µs", "direct to the echo server", Stats.Median(direct));
            report.Add(Name, "32-byte round trip via relay, p99", Percentile(relayed, 0.99), "µs", "direct to the echo server", Percentile(direct, 0.99));
            relay.Close();
            echo.Close();
        }

        private static double[] RoundTrips(int port)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            var ping = new byte[32];
            var pong = new byte[32];
            var times = new double[RoundTripCount];
            for (int i = -100; i < RoundTripCount; i++)
            {
                ping[0] = (byte)i;
                long start = Stopwatch.GetTimestamp();
                client.Send(ping);
                for (int got = 0; got < pong.Length;)
                {
                    int n = client.Receive(pong, got, pong.Length - got, SocketFlags.None);
                    if (n == 0)
                    {
                        throw new InvalidOperationException("The echo ended early.");
                    }

                    got += n;
                }

                if (!pong.AsSpan().SequenceEqual(ping))
                {
                    throw new InvalidOperationException("The round trip changed the bytes.");
                }

                if (i >= 0)
                {
                    times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
                }
            }

            return times;
        }

        private static double Percentile(double[] values, double p)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        }

        private static double Gbps(double seconds) => StreamSize * 8 / seconds / 1e9;

        private static SocketSession Start(BenchHost host, string command) => (SocketSession)host.Invoke($"$l = {command}; $l")[0].BaseObject;

        private static int Port(SocketSession session) => ((IPEndPoint)session.LocalEndPoint!).Port;
    }
}
