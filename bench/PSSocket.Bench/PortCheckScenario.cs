using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// Test-SocketPort on 127.0.0.1: 1,000 closed ports and 1 open one against `nmap -sT` on the same ports, and
    /// 1,000 ports that never answer (loopback listeners whose backlog is full) with a 500 ms timeout and a throttle
    /// of 1,000, against the one timeout it should take. No traffic leaves the loopback interface.
    /// </summary>
    internal sealed class PortCheckScenario : IScenario
    {
        private const int ClosedCount = 1000;
        private const int UnansweredCount = 1000;
        private const int UnansweredTimeout = 500;
        private const int Runs = 7;

        public string Name => "portcheck";

        public string Description => "Test-SocketPort: 1,000 closed + 1 open port vs nmap -sT; 1,000 unanswered ports, 500 ms timeout, throttle 1,000";

        public void Run(Report report)
        {
            ClosedAndOpen(report);
            Unanswered(report);
        }

        private void ClosedAndOpen(Report report)
        {
            using var open = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            open.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            open.Listen(4096);
            int openPort = ((IPEndPoint)open.LocalEndPoint!).Port;
            using var stop = new CancellationTokenSource();
            Task draining = Task.Run(() => Drain(open, stop.Token));

            int first = LoopbackPorts.ClosedRange(ClosedCount);
            string ports = $"{first}-{first + ClosedCount - 1},{openPort}";

            using var host = new BenchHost();
            host.SetVariable("ports", ports);
            const string script = "$r = Test-SocketPort 127.0.0.1 -Port $ports -ThrottleLimit 1000 -Timeout 2000";
            const string count = "@($r | Where-Object Status -eq 'Open').Count; @($r | Where-Object Status -eq 'Refused').Count";
            var times = new List<double>();
            for (int run = 0; run <= Runs; run++)
            {
                double ms = Time(() => host.Invoke(script));
                Check(host.Invoke(count), 1, ClosedCount, "Test-SocketPort");
                if (run > 0)
                {
                    times.Add(ms); // the first run warms up the engine and the JIT
                }
            }

            double cmdlet = Stats.Median(times.ToArray());

            if (!ExternalProgram.Exists("nmap"))
            {
                report.Add(Name, "1,000 closed + 1 open port", cmdlet, "ms", note: "nmap not installed (apt-get install -y nmap)");
            }
            else
            {
                string nmapLine = $"nmap -sT -n -Pn -p {ports} 127.0.0.1";
                NmapOpenPorts(nmapLine, openPort);
                double nmap = Stats.Median(Enumerable.Range(0, Runs).Select(_ => Time(() => NmapOpenPorts(nmapLine, openPort))).ToArray());
                report.Add(Name, "1,000 closed + 1 open port", cmdlet, "ms", "nmap -sT -n -Pn", nmap, $"median of {Runs}; aim <= 1.00x");
            }

            stop.Cancel();
            open.Close();
            draining.Wait(5000);
        }

        private void Unanswered(Report report)
        {
            var listeners = new List<Socket>();
            var fillers = new List<Socket>();
            try
            {
                for (int i = 0; i < UnansweredCount; i++)
                {
                    var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    listeners.Add(listener);
                    listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    listener.Listen(0);
                }

                // A backlog of 0 holds one connection that is never accepted; the second connect is not answered
                // and keeps the queue full. Both are started at once on every listener, then given time to settle.
                var connects = new List<Task>();
                foreach (Socket listener in listeners)
                {
                    for (int j = 0; j < 2; j++)
                    {
                        var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        fillers.Add(filler);
                        connects.Add(filler.ConnectAsync(listener.LocalEndPoint!));
                    }
                }

                Thread.Sleep(1000);
                foreach (Task connect in connects)
                {
                    _ = connect.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                }

                int[] ports = listeners.Select(l => ((IPEndPoint)l.LocalEndPoint!).Port).ToArray();
                using var host = new BenchHost();
                host.SetVariable("ports", ports);
                string script = $"$r = Test-SocketPort 127.0.0.1 -Port $ports -Timeout {UnansweredTimeout} -ThrottleLimit 1000";
                const string count = "@($r | Where-Object Status -eq 'TimedOut').Count; @($r | Where-Object Status -ne 'TimedOut').Count";
                var times = new List<double>();
                for (int run = 0; run < 3; run++)
                {
                    times.Add(Time(() => host.Invoke(script)));
                    var output = host.Invoke(count);
                    if ((int)output[0].BaseObject != UnansweredCount)
                    {
                        throw new InvalidOperationException($"{output[1]} of the {UnansweredCount} unanswered ports answered: the backlogs were not full.");
                    }
                }

                report.Add(Name, "1,000 unanswered ports, 500 ms timeout, throttle 1,000", Stats.Median(times.ToArray()), "ms", "one timeout", UnansweredTimeout, "median of 3; aim close to 1x");
            }
            finally
            {
                foreach (Socket socket in fillers.Concat(listeners))
                {
                    socket.Dispose();
                }
            }
        }

        private static void Check(System.Collections.ObjectModel.Collection<PSObject> output, int open, int refused, string what)
        {
            if ((int)output[0].BaseObject != open || (int)output[1].BaseObject != refused)
            {
                throw new InvalidOperationException($"{what} found {output[0]} open and {output[1]} refused ports, not {open} and {refused}.");
            }
        }

        private static double Time(Action action)
        {
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalMilliseconds;
        }

        private static void NmapOpenPorts(string commandLine, int openPort)
        {
            string output = Nmap.Run(commandLine, 60_000);
            if (!output.Contains($"{openPort}/tcp open") || !output.Contains("1000 closed"))
            {
                throw new InvalidOperationException("nmap did not report 1 open and 1000 closed ports: " + output);
            }
        }

        private static void Drain(Socket listener, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    listener.Accept().Dispose();
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
