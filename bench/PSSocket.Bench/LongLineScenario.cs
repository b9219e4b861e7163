using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// A peer sends 100 MiB with no newline to a script looping on Receive-SocketData -Line: the record limit
    /// (MaxRecordLength, 1 MiB) must keep the process's memory growth near the limit, not a multiple of the payload.
    /// </summary>
    internal sealed class LongLineScenario : IScenario
    {
        private const int Payload = 100 * 1024 * 1024;
        private const int Chunk = 1024 * 1024;

        public string Name => "longline";

        public string Description => "memory growth for a 100 MiB unterminated line against -Line with the default record limit";

        public void Run(Report report)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

            using var host = new BenchHost();
            host.Invoke($"$s = Connect-Socket 127.0.0.1 {port}");
            using Socket peer = listener.Accept();
            peer.SendTimeout = 3000;
            Task<long> sending = Task.Factory.StartNew(() => SendUnterminated(peer), TaskCreationOptions.LongRunning);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long baseline = CurrentRss();
            long peak = baseline;
            using var sampling = new CancellationTokenSource();
            Task sampler = Task.Factory.StartNew(
                () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peak = Math.Max(peak, CurrentRss());
                        Thread.Sleep(5);
                    }
                },
                TaskCreationOptions.LongRunning);

            var watch = Stopwatch.StartNew();
            int refused = ReceiveLines(host, 20);
            double elapsedMs = watch.Elapsed.TotalMilliseconds;
            long buffered = Convert.ToInt64(host.Invoke("$s.BytesBuffered")[0].BaseObject);
            sampling.Cancel();
            sampler.Wait(5000);
            host.Invoke("$s | Close-Socket");
            long sent = sending.Wait(10000) ? sending.Result : -1;

            report.Add(Name, "peak RSS growth, 20 -Line receives", (peak - baseline) / 1048576.0, "MiB", note: "issue 10 before the limit: +509-520 MiB");
            report.Add(Name, "bytes buffered on the session", buffered / 1048576.0, "MiB", note: "limit 1 MiB + one read");
            report.Add(Name, "bytes the peer got to send", sent / 1048576.0, "MiB", note: $"of {Payload / 1048576} MiB; TCP flow control holds the rest");
            report.Add(Name, "20 refused receives (RecordTooLong)", elapsedMs, "ms", note: $"{refused} RecordTooLong");
        }

        /// <summary>Errors are the expected result here, so they are counted, not treated as a failed script.</summary>
        private static int ReceiveLines(BenchHost host, int times)
        {
            int refused = 0;
            for (int i = 0; i < times; i++)
            {
                using var ps = System.Management.Automation.PowerShell.Create();
                ps.Runspace = host.Runspace;
                ps.AddScript("$s | Receive-SocketData -Line -Timeout 5000 | Out-Null");
                ps.Invoke();
                foreach (var error in ps.Streams.Error)
                {
                    refused += error.FullyQualifiedErrorId.StartsWith("RecordTooLong", StringComparison.Ordinal)
                        ? 1
                        : throw new InvalidOperationException("Unexpected error: " + error);
                }
            }

            return refused;
        }

        private static long SendUnterminated(Socket peer)
        {
            var chunk = new byte[Chunk];
            chunk.AsSpan().Fill((byte)'a');
            long sent = 0;
            try
            {
                while (sent < Payload)
                {
                    sent += peer.Send(chunk);
                }
            }
            catch (SocketException)
            {
                // The receiver stopped reading (send timeout) or closed: what went out is the figure.
            }

            return sent;
        }

        private static long CurrentRss()
        {
            using Process self = Process.GetCurrentProcess();
            return self.WorkingSet64;
        }
    }
}
