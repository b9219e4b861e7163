using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>What the proxy does to the bytes going one way, and what happens once <see cref="After"/> bytes have passed.</summary>
    public sealed class FaultRule
    {
        /// <summary>Forward every piece as 1-byte writes (with <see cref="DelayMs"/> between them).</summary>
        public bool OneBytePieces { get; init; }

        /// <summary>Pause before each forwarded write.</summary>
        public int DelayMs { get; init; }

        /// <summary>Bytes forwarded before <see cref="Then"/> happens; null: no fault.</summary>
        public long? After { get; init; }

        public FaultAction Then { get; init; } = FaultAction.None;

        public static FaultRule Pieces(int delayMs = 0) => new FaultRule { OneBytePieces = true, DelayMs = delayMs };

        public static FaultRule Stall(long after) => new FaultRule { After = after, Then = FaultAction.Stall };

        public static FaultRule Reset(long after) => new FaultRule { After = after, Then = FaultAction.Reset };

        public static FaultRule Close(long after) => new FaultRule { After = after, Then = FaultAction.Close };
    }

    public enum FaultAction
    {
        None,

        /// <summary>Forward nothing more and keep both connections open (a peer gone quiet).</summary>
        Stall,

        /// <summary>Reset both connections (SO_LINGER 0): the peers see ECONNRESET.</summary>
        Reset,

        /// <summary>Close both connections gracefully: the receiving peer sees the end of the stream.</summary>
        Close,
    }

    /// <summary>
    /// A fault-injecting TCP proxy on 127.0.0.1 between a client and a server, for tests: each direction can be
    /// split into 1-byte writes, delayed, stalled, reset or closed after N bytes. Cutting a TLS handshake midway is
    /// a reset or close after fewer bytes than the handshake needs (<see cref="CutMidTlsHandshake"/>).
    /// Every connection it made is closed when it is disposed.
    /// </summary>
    public sealed class FaultProxy : IDisposable
    {
        private readonly Socket _listener;
        private readonly IPEndPoint _target;
        private readonly FaultRule? _toServer;
        private readonly FaultRule? _toClient;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentBag<Socket> _sockets = new ConcurrentBag<Socket>();
        private int _connections;

        public FaultProxy(int targetPort, FaultRule? toServer = null, FaultRule? toClient = null)
        {
            _target = new IPEndPoint(IPAddress.Loopback, targetPort);
            _toServer = toServer;
            _toClient = toClient;
            _listener = RawPeer.Listen(backlog: 128);
            _ = Task.Run(AcceptLoop);
        }

        /// <summary>Where clients connect.</summary>
        public int Port => RawPeer.PortOf(_listener);

        /// <summary>Connections the proxy has accepted.</summary>
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>Resets the server's replies after <paramref name="bytes"/> of them: within a TLS ServerHello for small counts.</summary>
        public static FaultProxy CutMidTlsHandshake(int targetPort, long bytes = 64) => new FaultProxy(targetPort, toClient: FaultRule.Reset(bytes));

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            foreach (Socket socket in _sockets)
            {
                socket.Dispose();
            }
        }

        private async Task AcceptLoop()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    Socket client = await _listener.AcceptAsync(_stop.Token);
                    _sockets.Add(client);
                    Interlocked.Increment(ref _connections);
                    _ = Task.Run(() => Serve(client));
                }
            }
            catch (Exception e) when (e is OperationCanceledException || e is SocketException || e is ObjectDisposedException)
            {
                // Disposed.
            }
        }

        private async Task Serve(Socket client)
        {
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _sockets.Add(server);
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception)
            {
                Abort(client, server);
                return;
            }

            await Task.WhenAll(Pump(client, server, _toServer), Pump(server, client, _toClient));
        }

        /// <summary>Forwards <paramref name="from"/> to <paramref name="to"/> under <paramref name="rule"/>; never throws.</summary>
        private async Task Pump(Socket from, Socket to, FaultRule? rule)
        {
            var buffer = new byte[16 * 1024];
            long forwarded = 0;
            try
            {
                while (true)
                {
                    if (rule?.After is long limit && forwarded >= limit)
                    {
                        await Fault(rule.Then, from, to);
                        return;
                    }

                    int n = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    int allowed = rule?.After is long cap ? (int)Math.Min(n, cap - forwarded) : n;
                    await Forward(to, buffer, allowed, rule);
                    forwarded += allowed;
                }
            }
            catch (Exception)
            {
                // A peer went away or the proxy was disposed: pass the end on to the other side.
                Abort(from, to);
            }
        }

        private async Task Forward(Socket to, byte[] buffer, int count, FaultRule? rule)
        {
            int piece = rule?.OneBytePieces == true ? 1 : count;
            for (int offset = 0; offset < count; offset += piece)
            {
                if (rule?.DelayMs > 0)
                {
                    await Task.Delay(rule.DelayMs, _stop.Token);
                }

                int length = Math.Min(piece, count - offset);
                for (int sent = 0; sent < length;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(offset + sent, length - sent), SocketFlags.None, _stop.Token);
                }
            }
        }

        private async Task Fault(FaultAction action, Socket from, Socket to)
        {
            switch (action)
            {
                case FaultAction.Stall:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                case FaultAction.Reset:
                    Abort(from, to);
                    break;
                case FaultAction.Close:
                    from.Shutdown(SocketShutdown.Both);
                    to.Shutdown(SocketShutdown.Both);
                    from.Close();
                    to.Close();
                    break;
            }
        }

        /// <summary>Closes both with SO_LINGER 0, so each peer sees a reset rather than an orderly end.</summary>
        private static void Abort(params Socket[] sockets)
        {
            foreach (Socket socket in sockets)
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (Exception)
                {
                    // Already gone.
                }
            }
        }
    }
}
