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
    /// The client side of <see cref="EchoCrowd"/>, run in a process of its own (the bench's hidden argument
    /// <see cref="Argument"/>): a process may not hold 10,000 connections with both their ends (the hard open-file
    /// limit is 20,000 and raising it needs CAP_SYS_RESOURCE). Asynchronous sockets, so no thread per client.
    /// Talks to its parent by lines: it writes "connected N FAILED", waits for "go" on stdin, then writes
    /// "done EXACT FAILED SECONDS [first error]" and exits, closing every client.
    /// </summary>
    internal static class EchoCrowdClients
    {
        public const string Argument = "--echo-crowd-clients";
        public const int MessageBytes = 4 * 1024;
        private const int ConnectsAtOnce = 256;

        public static int Run(int port, int clients, int limitSeconds)
        {
            FileLimit.Raise(clients + 256);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(limitSeconds));
            var sockets = new Socket?[clients];
            int failed = 0;
            string? firstError = null;
            void Fail(string error)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, error, null);
            }

            try
            {
                using (var gate = new SemaphoreSlim(ConnectsAtOnce))
                {
                    Task.WaitAll(Enumerable.Range(0, clients).Select(i => ConnectOne(i, port, sockets, gate, Fail, cancel.Token)).ToArray());
                }

                Console.WriteLine($"connected {sockets.Count(s => s != null)} {failed}");
                if (Console.ReadLine() != "go")
                {
                    return 1;
                }

                var watch = Stopwatch.StartNew();
                Task<string?>[] echoes = sockets.Where(s => s != null).Select((s, i) => EchoOne(s!, i, cancel.Token)).ToArray();
                Task.WaitAll(echoes);
                int exact = echoes.Count(e => e.Result == null);
                foreach (Task<string?> echo in echoes.Where(e => e.Result != null))
                {
                    Fail(echo.Result!);
                }

                Console.WriteLine($"done {exact} {failed} {watch.Elapsed.TotalSeconds:0.000} {firstError}");
                return 0;
            }
            finally
            {
                foreach (Socket? socket in sockets)
                {
                    socket?.Dispose();
                }
            }
        }

        private static async Task ConnectOne(int index, int port, Socket?[] sockets, SemaphoreSlim gate, Action<string> fail, CancellationToken cancel)
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
                fail("connect: " + e.Message);
            }
            finally
            {
                gate.Release();
            }
        }

        /// <summary>Sends this client's own 4 KiB and reads them back; null when every byte matches.</summary>
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
