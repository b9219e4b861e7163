using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Bench
{
    /// <summary>
    /// Issue 10, defect 1: a -ScriptBlock server with default settings, 500 connections that never send, then 200
    /// new clients at once, each sending a line: how many are answered within 10 s, and their median wait. The
    /// reference is the same 200 clients against the same kind of server with no idle connections.
    /// </summary>
    internal sealed class IdleAttackScenario : IScenario
    {
        private const int Idle = 500;
        private const int Clients = 200;
        private const int ServedWithinMs = 10_000;
        private const string Handler = "{ param($s) $x = $s | Receive-SocketData -Line; $s | Send-SocketData \"line:$x\" -Line }";
        private static readonly byte[] Line = Encoding.ASCII.GetBytes("hello\n");
        private static readonly byte[] Reply = Encoding.ASCII.GetBytes("line:hello\n");

        public string Name => "idle-attack";

        public string Description => "-ScriptBlock server: 200 new clients with a line while 500 idle connections are open";

        public void Run(Report report)
        {
            using var host = new BenchHost();
            (int served, double median) clean = Measure(host, idle: 0);
            (int served, double median) attacked = Measure(host, idle: Idle);
            report.Add(Name, $"clients served within 10 s, {Idle} idle open", attacked.served, "clients", "no idle connections", clean.served, $"of {Clients}");
            report.Add(Name, $"median wait of a served client, {Idle} idle open", attacked.median, "ms", "no idle connections", clean.median);
        }

        private static (int served, double median) Measure(BenchHost host, int idle)
        {
            var listener = (SocketSession)host.Invoke($"$l = Start-SocketListener -ScriptBlock {Handler}; $l")[0].BaseObject;
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var idlers = new List<Socket>();
            try
            {
                for (int i = 0; i < idle; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    idlers.Add(socket);
                    socket.Connect(IPAddress.Loopback, port);
                }

                var settle = Stopwatch.StartNew();
                while (listener.Server!.Active < idle && settle.ElapsedMilliseconds < 30_000)
                {
                    Thread.Sleep(10);
                }

                var start = Stopwatch.StartNew();
                double[] waits = Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => OneClient(port, start))).Result;
                double[] served = waits.Where(w => w >= 0).ToArray();
                Console.Error.WriteLine($"  idle {idle}: {served.Length}/{Clients} served; server {listener.Server}, queued {listener.Server.Queued}, awaiting data {listener.Server.AwaitingData}");
                return (served.Length, served.Length == 0 ? double.NaN : Stats.Median(served));
            }
            finally
            {
                idlers.ForEach(s => s.Dispose());
                host.Invoke("$l | Close-Socket");
            }
        }

        /// <summary>Connects, sends the line and reads the reply; the milliseconds from the burst's start, or -1 if not served within 10 s.</summary>
        private static async Task<double> OneClient(int port, Stopwatch start)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var limit = new CancellationTokenSource(Math.Max(1, ServedWithinMs - (int)start.ElapsedMilliseconds));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit.Token);
                await socket.SendAsync(Line, SocketFlags.None, limit.Token);
                var got = new byte[Reply.Length];
                int total = 0;
                while (total < got.Length)
                {
                    int n = await socket.ReceiveAsync(got.AsMemory(total), SocketFlags.None, limit.Token);
                    if (n == 0)
                    {
                        return -1;
                    }

                    total += n;
                }

                return got.AsSpan().SequenceEqual(Reply) ? start.Elapsed.TotalMilliseconds : -1;
            }
            catch (Exception e) when (e is OperationCanceledException || e is SocketException)
            {
                return -1;
            }
        }
    }
}
