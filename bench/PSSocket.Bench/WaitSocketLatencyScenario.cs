using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// Issue 16's second aim: Wait-Socket over 1,000 idle sessions and one that becomes readable. A raw peer sends one
    /// byte to a random session while Wait-Socket waits; the time from that send to Wait-Socket's return (to the
    /// hosting thread, so PowerShell's own return is included) is measured over bounded repetitions.
    /// </summary>
    internal sealed class WaitSocketLatencyScenario : IScenario
    {
        private const int Sessions = 1000;
        private const int Repetitions = 200;

        public string Name => "wait-socket-latency";

        public string Description => "Wait-Socket over 1,000 idle sessions: time from one peer's send to Wait-Socket returning";

        public void Run(Report report)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(Sessions);
            var peers = new List<Socket>();
            using var host = new BenchHost();
            try
            {
                host.SetVariable("port", ((IPEndPoint)listener.LocalEndPoint!).Port);
                Task<Socket[]> accepting = Task.Run(() => Enumerable.Range(0, Sessions).Select(_ => listener.Accept()).ToArray());
                host.Invoke($"$clients = 1..{Sessions} | ForEach-Object {{ Connect-Socket 127.0.0.1 $port -Timeout 10000 }}");
                Socket[] accepted = accepting.Result;
                peers.AddRange(accepted);

                var random = new Random(16);
                var latencies = new double[Repetitions];
                for (int i = 0; i < Repetitions; i++)
                {
                    int index = random.Next(Sessions);
                    long sentAt = 0;
                    Task sender = Task.Run(() =>
                    {
                        Thread.Sleep(100); // Wait-Socket is waiting by then
                        Volatile.Write(ref sentAt, Stopwatch.GetTimestamp());
                        accepted[index].Send(new byte[] { 1 });
                    });
                    var ready = host.Invoke("Wait-Socket -Session $clients -Timeout 10000");
                    long returnedAt = Stopwatch.GetTimestamp();
                    sender.Wait();
                    if (ready.Count != 1)
                    {
                        throw new InvalidOperationException($"Wait-Socket wrote {ready.Count} sessions, not 1.");
                    }

                    latencies[i] = (returnedAt - Volatile.Read(ref sentAt)) * 1000.0 / Stopwatch.Frequency;
                    host.SetVariable("index", index);
                    host.Invoke("$null = $clients[$index] | Receive-SocketData -Count 1 -AsByteArray -Timeout 5000");
                }

                double[] sorted = latencies.OrderBy(v => v).ToArray();
                double p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
                report.Add(Name, $"send to return, median of {Repetitions}", Stats.Median(latencies), "ms", note: "aim <= 5 ms");
                report.Add(Name, $"send to return, 99th percentile of {Repetitions}", p99, "ms", note: "aim <= 5 ms");
                var idle = Stopwatch.StartNew();
                host.Invoke("$null = Wait-Socket -Session $clients -Timeout 0");
                report.Add(Name, $"one look over {Sessions} idle sessions (-Timeout 0)", idle.Elapsed.TotalMilliseconds, "ms");
            }
            finally
            {
                host.Invoke("Get-Socket | Close-Socket");
                foreach (Socket peer in peers)
                {
                    peer.Dispose();
                }
            }
        }
    }
}
