using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// 1 GiB file → socket → file over loopback: Send-SocketData -Path into Receive-SocketData -OutFile, against a
    /// raw System.Net.Sockets loop with 64 KiB buffers, ncat and socat moving the same bytes; and the memory the
    /// cmdlets' process grows by during the transfer.
    /// </summary>
    internal sealed class TransferScenario : IScenario
    {
        private const long Size = 1L << 30;
        private const int Runs = 3;

        public string Name => "transfer";

        public string Description => "1 GiB file over loopback: cmdlets vs raw .NET (64 KiB), ncat, socat; peak memory growth";

        public void Run(Report report)
        {
            string folder = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
            string source = Path.Combine(folder, "pssocket-bench-source.bin");
            string target = Path.Combine(folder, "pssocket-bench-target.bin");
            try
            {
                WriteSource(source);
                double raw = Best(() => RawDotNet(source, target));
                Verify(target);
                long memoryGrowth = 0;
                double cmdlets = Best(() => Cmdlets(source, target, out memoryGrowth));
                Verify(target);
                report.Add(Name, "cmdlets", Gbps(cmdlets), "Gbit/s", "raw .NET 64 KiB loop", Gbps(raw), "aim >= 0.90x");
                report.Add(Name, "cmdlets peak memory growth", memoryGrowth / (1024.0 * 1024.0), "MiB", note: "aim <= 64 MiB");

                foreach ((string tool, Func<string, string, int, (string listen, string send)> lines) in new (string, Func<string, string, int, (string, string)>)[]
                {
                    ("ncat", (src, dst, port) => ($"ncat --recv-only -l 127.0.0.1 {port} > {dst}", $"ncat --send-only 127.0.0.1 {port} < {src}")),
                    ("socat", (src, dst, port) => ($"socat -u TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr OPEN:{dst},creat,trunc", $"socat -u OPEN:{src} TCP:127.0.0.1:{port}")),
                })
                {
                    if (!ExternalProgram.Exists(tool))
                    {
                        report.Add(Name, tool, double.NaN, "Gbit/s", note: $"{tool} not installed (apt-get install -y {tool})");
                        continue;
                    }

                    double seconds = Best(() => External(source, target, lines));
                    Verify(target);
                    report.Add(Name, tool, Gbps(seconds), "Gbit/s", "cmdlets", Gbps(cmdlets));
                }
            }
            finally
            {
                File.Delete(source);
                File.Delete(target);
            }
        }

        private static double Gbps(double seconds) => Size * 8 / seconds / 1e9;

        private static double Best(Func<double> run)
        {
            double best = double.MaxValue;
            for (int i = 0; i < Runs; i++)
            {
                best = Math.Min(best, run());
            }

            return best;
        }

        private static void WriteSource(string path)
        {
            var block = new byte[1 << 20];
            new Random(42).NextBytes(block);
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
            for (long written = 0; written < Size; written += block.Length)
            {
                block[0] = (byte)(written >> 20);
                file.Write(block, 0, block.Length);
            }
        }

        private static void Verify(string target)
        {
            long length = new FileInfo(target).Length;
            if (length != Size)
            {
                throw new InvalidOperationException($"The transfer moved {length} bytes, not {Size}.");
            }
        }

        private static double RawDotNet(string source, string target)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(16);
            var watch = Stopwatch.StartNew();
            Task receiving = Task.Factory.StartNew(() =>
            {
                using Socket connection = listener.Accept();
                using var file = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1);
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = connection.Receive(buffer)) > 0)
                {
                    file.Write(buffer, 0, n);
                }
            }, TaskCreationOptions.LongRunning);

            using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            using (var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            {
                sender.Connect(listener.LocalEndPoint!);
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = file.Read(buffer, 0, buffer.Length)) > 0)
                {
                    sender.Send(buffer, 0, n, SocketFlags.None);
                }

                sender.Shutdown(SocketShutdown.Send);
            }

            if (!receiving.Wait(120_000))
            {
                throw new TimeoutException("raw receive did not finish");
            }

            return watch.Elapsed.TotalSeconds;
        }

        private static double Cmdlets(string source, string target, out long memoryGrowth)
        {
            using var receiverSide = new BenchHost();
            using var senderSide = new BenchHost();
            int port = ((IPEndPoint)((PSSocket.Sessions.SocketSession)receiverSide.Invoke("$l = Start-SocketListener; $l")[0].BaseObject).LocalEndPoint!).Port;
            receiverSide.SetVariable("target", target);
            senderSide.SetVariable("source", source);

            GC.Collect();
            long baseline = Process.GetCurrentProcess().WorkingSet64;
            long peak = baseline;
            using var sampling = new CancellationTokenSource();
            Task sampler = Task.Run(() =>
            {
                using Process self = Process.GetCurrentProcess();
                while (!sampling.IsCancellationRequested)
                {
                    self.Refresh();
                    peak = Math.Max(peak, self.WorkingSet64);
                    Thread.Sleep(5);
                }
            });

            var watch = Stopwatch.StartNew();
            Task receiving = Task.Factory.StartNew(
                () => receiverSide.Invoke("$l | Wait-SocketConnection -Timeout 30000 | Receive-SocketData -ToEnd -OutFile $target -Timeout 30000; $l | Close-Socket"),
                TaskCreationOptions.LongRunning);
            senderSide.Invoke($"$ProgressPreference = 'SilentlyContinue'; Connect-Socket 127.0.0.1 {port} | Send-SocketData -Path $source -PassThru | Close-Socket");
            if (!receiving.Wait(120_000))
            {
                throw new TimeoutException("cmdlet receive did not finish");
            }

            double seconds = watch.Elapsed.TotalSeconds;
            sampling.Cancel();
            sampler.Wait();
            memoryGrowth = peak - baseline;
            return seconds;
        }

        private static double External(string source, string target, Func<string, string, int, (string listen, string send)> lines)
        {
            int port = LoopbackPorts.FreeLowPort();
            (string listen, string send) = lines(source, target, port);
            var watch = Stopwatch.StartNew();
            using ExternalProgram receiver = ExternalProgram.Start(listen);
            ExternalProgram.WaitForListener(port);
            using ExternalProgram sender = ExternalProgram.Start(send);
            if (!sender.WaitForExit(120_000) || !receiver.WaitForExit(120_000))
            {
                throw new TimeoutException($"'{send}' or '{listen}' did not finish in 120 s.");
            }

            return watch.Elapsed.TotalSeconds;
        }
    }
}
