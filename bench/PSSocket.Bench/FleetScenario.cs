using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PSSocket.Bench
{
    /// <summary>
    /// A fleet on one machine: 250 loopback addresses (127.0.0.1 to 127.0.0.250) x 40 ports in one Test-SocketPort
    /// call, with listeners on 4 ports of every tenth address (100 open end points, 9,900 refused), against
    /// `nmap -sT` over the same targets in the same run.
    /// </summary>
    internal sealed class FleetScenario : IScenario
    {
        private const int Addresses = 250;
        private const int PortCount = 40;
        private const int OpenPortsPerListeningAddress = 4;
        private const int ListeningAddressStep = 10;
        private const int Runs = 3;

        private static readonly Regex NmapOpenLine = new Regex(@"^\d+/tcp\s+open\s", RegexOptions.Multiline);

        public string Name => "fleet";

        public string Description => "Test-SocketPort over 250 loopback addresses x 40 ports in one call vs nmap -sT";

        public void Run(Report report)
        {
            int firstPort = LoopbackPorts.ClosedRange(PortCount);
            string[] hosts = Enumerable.Range(1, Addresses).Select(i => $"127.0.0.{i}").ToArray();
            var listeners = new List<Socket>();
            try
            {
                for (int i = 1; i <= Addresses; i += ListeningAddressStep)
                {
                    for (int p = 0; p < OpenPortsPerListeningAddress; p++)
                    {
                        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        listeners.Add(listener);
                        listener.Bind(new IPEndPoint(IPAddress.Parse($"127.0.0.{i}"), firstPort + p));
                        listener.Listen(4096);
                    }
                }

                int open = listeners.Count;
                int total = Addresses * PortCount;
                string ports = $"{firstPort}-{firstPort + PortCount - 1}";
                using var host = new BenchHost();
                host.SetVariable("hosts", hosts);
                host.SetVariable("ports", ports);
                const string script = "$r = Test-SocketPort -ComputerName $hosts -Port $ports -ThrottleLimit 1000 -Timeout 5000";
                const string count = "@($r | Where-Object Status -eq 'Open').Count; @($r | Where-Object Status -eq 'Refused').Count";

                var times = new List<double>();
                for (int run = 0; run <= Runs; run++)
                {
                    double ms = Time(() => host.Invoke(script));
                    var output = host.Invoke(count);
                    if ((int)output[0].BaseObject != open || (int)output[1].BaseObject != total - open)
                    {
                        throw new InvalidOperationException($"Test-SocketPort found {output[0]} open and {output[1]} refused, not {open} and {total - open}.");
                    }

                    if (run > 0)
                    {
                        times.Add(ms); // the first run warms up the engine and the JIT
                    }
                }

                double cmdlet = Stats.Median(times.ToArray());
                string measurement = $"{Addresses} addresses x {PortCount} ports ({total:N0} end points, {open} open), throttle 1,000";
                if (!ExternalProgram.Exists("nmap"))
                {
                    report.Add(Name, measurement, cmdlet, "ms", note: "nmap not installed (apt-get install -y nmap)");
                    return;
                }

                string nmapLine = $"nmap -sT -n -Pn -p {ports} 127.0.0.1-{Addresses}";
                var nmapTimes = new List<double>();
                for (int run = 0; run < Runs; run++)
                {
                    string nmapOutput = string.Empty;
                    nmapTimes.Add(Time(() => nmapOutput = Nmap.Run(nmapLine, 300_000)));
                    int nmapOpen = NmapOpenLine.Matches(nmapOutput).Count;
                    if (nmapOpen != open)
                    {
                        throw new InvalidOperationException($"nmap found {nmapOpen} open ports, not {open}.");
                    }
                }

                report.Add(Name, measurement, cmdlet, "ms", "nmap -sT -n -Pn", Stats.Median(nmapTimes.ToArray()), $"median of {Runs}; aim <= 1.00x");
            }
            finally
            {
                foreach (Socket listener in listeners)
                {
                    listener.Dispose();
                }
            }
        }

        private static double Time(Action action)
        {
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalMilliseconds;
        }
    }
}
