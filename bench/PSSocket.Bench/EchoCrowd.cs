using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Bench
{
    /// <summary>
    /// Many echo clients connected at once: every client connects first (all open together), then each sends its own
    /// 4 KiB and checks that exactly those bytes come back, all at the same time. The clients use asynchronous sockets,
    /// so the threads counted are the server's and the thread pool's, not one per client. Bounded in time by
    /// <paramref name="limit"/>.
    /// </summary>
    internal sealed class EchoCrowd
    {
        public const int MessageBytes = 4 * 1024;
        private const int ConnectsAtOnce = 256;

        public int Clients;
        public int Connected;
        public int Exact;
        public int Failed;
        public string? FirstError;
        public double ConnectSeconds;
        public double EchoSeconds;
        public int PeakThreads;

        /// <summary>Resident memory growth from before the first connect to when every client is connected.</summary>
        public long ResidentGrowthBytes;

        public static EchoCrowd Run(int port, int clients, Func<int> serverActive, TimeSpan limit)
        {
            var crowd = new EchoCrowd { Clients = clients };
            using var cancel = new CancellationTokenSource(limit);
            var sockets = new Socket?[clients];
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long residentBefore = ProcessFacts.ResidentBytes();
            using var threads = new ThreadPeak();
            try
            {
                var watch = Stopwatch.StartNew();
                using (var gate = new SemaphoreSlim(ConnectsAtOnce))
                {
                    Task[] connects = Enumerable.Range(0, clients).Select(i => ConnectOne(i, port, sockets, gate, crowd, cancel.Token)).ToArray();
                    Task.WaitAll(connects);
                }

                crowd.Connected = sockets.Count(s => s != null);
                ServerCapacityScenario.WaitUntil(() => serverActive() >= crowd.Connected, cancel.Token, (int)limit.TotalMilliseconds);
                crowd.ConnectSeconds = watch.Elapsed.TotalSeconds;
                crowd.ResidentGrowthBytes = ProcessFacts.ResidentBytes() - residentBefore;

                watch.Restart();
                Task<string?>[] echoes = Enumerable.Range(0, clients)
                    .Where(i => sockets[i] != null)
                    .Select(i => EchoOne(sockets[i]!, i, cancel.Token))
                    .ToArray();
                Task.WaitAll(echoes);
                crowd.EchoSeconds = watch.Elapsed.TotalSeconds;
                foreach (Task<string?> echo in echoes)
                {
                    if (echo.Result == null)
                    {
                        crowd.Exact++;
                    }
                    else
                    {
                        crowd.Failed++;
                        crowd.FirstError ??= echo.Result;
                    }
                }

                crowd.PeakThreads = threads.Peak;
            }
            finally
            {
                foreach (Socket? socket in sockets)
                {
                    socket?.Dispose();
                }
            }

            return crowd;
        }

        private static async Task ConnectOne(int index, int port, Socket?[] sockets, SemaphoreSlim gate, EchoCrowd crowd, CancellationToken cancel)
        {
            await gate.WaitAsync(cancel).ConfigureAwait(false);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel).ConfigureAwait(false);
                sockets[index] = socket;
            }
            catch (Exception e)
            {
                socket.Dispose();
                lock (crowd)
                {
                    crowd.Failed++;
                    crowd.FirstError ??= "connect: " + e.Message;
                }
            }
            finally
            {
                gate.Release();
            }
        }

        private static async Task<string?> EchoOne(Socket socket, int index, CancellationToken cancel)
        {
            try
            {
                var message = new byte[MessageBytes];
                new Random(index).NextBytes(message);
                for (int sent = 0; sent < message.Length;)
                {
                    sent += await socket.SendAsync(message.AsMemory(sent), SocketFlags.None, cancel).ConfigureAwait(false);
                }

                var back = new byte[MessageBytes];
                int received = 0;
                while (received < back.Length)
                {
                    int n = await socket.ReceiveAsync(back.AsMemory(received), SocketFlags.None, cancel).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return $"the echo ended after {received} of {MessageBytes} bytes";
                    }

                    received += n;
                }

                return back.AsSpan().SequenceEqual(message) ? null : "the echo differs from what was sent";
            }
            catch (Exception e)
            {
                return e.GetType().Name + ": " + e.Message;
            }
        }
    }
}
