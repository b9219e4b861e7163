using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// Many echo clients connected at once, from a child process (<see cref="EchoCrowdClients"/>): all connect first,
    /// then each sends its own 4 KiB and checks that exactly those bytes come back, all at the same time. Measured in
    /// this (the server's) process: its peak thread count, and its memory growth from before the first connect to
    /// when every client is connected: resident (which earlier parts' freed heap can hide) and live managed objects. Bounded in time by the limit given.
    /// </summary>
    internal sealed class EchoCrowd
    {
        public int Connected;
        public int Exact;
        public int Failed;
        public string? FirstError;
        public double ConnectSeconds;
        public double EchoSeconds;
        public int PeakThreads;
        public int ThreadsAtStart;
        public long ResidentGrowthBytes;
        public long ManagedGrowthBytes;

        public static EchoCrowd Run(int port, int clients, Func<int> serverActive, TimeSpan limit)
        {
            var crowd = new EchoCrowd();
            long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
            long residentBefore = ProcessFacts.ResidentBytes();
            using var threads = new ThreadPeak();
            using var cancel = new CancellationTokenSource(limit);
            var watch = Stopwatch.StartNew();
            using Process child = StartClients(port, clients, (int)limit.TotalSeconds);
            try
            {
                string[] connected = ReadLine(child, cancel.Token, "connected");
                crowd.Connected = int.Parse(connected[1], CultureInfo.InvariantCulture);
                ServerCapacityScenario.WaitUntil(() => serverActive() >= crowd.Connected, cancel.Token, (int)limit.TotalMilliseconds);
                crowd.ConnectSeconds = watch.Elapsed.TotalSeconds;
                crowd.ResidentGrowthBytes = ProcessFacts.ResidentBytes() - residentBefore;
                crowd.ManagedGrowthBytes = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;

                child.StandardInput.WriteLine("go");
                child.StandardInput.Flush();
                string[] done = ReadLine(child, cancel.Token, "done");
                crowd.Exact = int.Parse(done[1], CultureInfo.InvariantCulture);
                crowd.Failed = int.Parse(done[2], CultureInfo.InvariantCulture);
                crowd.EchoSeconds = double.Parse(done[3], CultureInfo.InvariantCulture);
                crowd.FirstError = done.Length > 4 && done[4].Length > 0 ? done[4] : null;
                crowd.PeakThreads = threads.Peak;
                crowd.ThreadsAtStart = threads.AtStart;
                child.WaitForExit(30_000);
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit(5000);
                }
            }

            return crowd;
        }

        /// <summary>This bench again, as the clients' process: through its apphost, or the dotnet host and its dll.</summary>
        private static Process StartClients(int port, int clients, int limitSeconds)
        {
            string self = Environment.ProcessPath!;
            string dll = typeof(EchoCrowd).Assembly.Location;
            bool viaDotnet = System.IO.Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
            var info = new ProcessStartInfo(self)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (viaDotnet)
            {
                info.ArgumentList.Add(dll);
            }

            info.ArgumentList.Add(EchoCrowdClients.Argument);
            info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add(clients.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add(limitSeconds.ToString(CultureInfo.InvariantCulture));
            return Process.Start(info)!;
        }

        /// <summary>The child's next line, which must start with <paramref name="word"/>; bounded by the token.</summary>
        private static string[] ReadLine(Process child, CancellationToken cancel, string word)
        {
            Task<string?> read = child.StandardOutput.ReadLineAsync();
            if (!read.Wait(Timeout.Infinite, cancel) || read.Result == null)
            {
                throw new InvalidOperationException($"The clients' process ended before it said '{word}'.");
            }

            string[] parts = read.Result.Split(' ', 5);
            if (parts[0] != word)
            {
                throw new InvalidOperationException($"The clients' process said '{read.Result}', not '{word}'.");
            }

            return parts;
        }
    }
}
