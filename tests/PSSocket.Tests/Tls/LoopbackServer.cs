using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// A server on 127.0.0.1 written with plain .NET, independent of the module: it runs a handler for each
    /// connection it accepts, each bounded in time, and records what went wrong on its side.
    /// </summary>
    public sealed class LoopbackServer : IDisposable
    {
        private const int HandlerLimitMs = 15_000;

        private readonly Socket _listener;
        private readonly Func<Socket, CancellationToken, Task> _handler;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentBag<Socket> _connections = new ConcurrentBag<Socket>();
        private readonly Task _acceptLoop;

        public LoopbackServer(Func<Socket, CancellationToken, Task> handler)
        {
            _handler = handler;
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(64);
            Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
            _acceptLoop = Task.Run(AcceptLoop);
        }

        public int Port { get; }

        /// <summary>Errors the handlers raised (a failed server handshake, for example).</summary>
        public ConcurrentQueue<Exception> Errors { get; } = new ConcurrentQueue<Exception>();

        /// <summary>A TLS server: handshake with <paramref name="certificate"/>, then <paramref name="afterHandshake"/> (an echo of lines by default).</summary>
        public static LoopbackServer Tls(
            X509Certificate2 certificate,
            SslProtocols protocols = SslProtocols.None,
            bool requireClientCertificate = false,
            Func<SslStream, CancellationToken, Task>? afterHandshake = null)
        {
            return new LoopbackServer(async (socket, token) =>
            {
                using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (s, c, ch, e) => true);
                await ssl.AuthenticateAsServerAsync(certificate, requireClientCertificate, protocols, false);
                await (afterHandshake ?? EchoLines)(ssl, token);
            });
        }

        /// <summary>Reads lines and writes each back in upper case, until the client closes.</summary>
        public static async Task EchoLines(Stream stream, CancellationToken token)
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false), false, 1024, leaveOpen: true);
            string? line;
            while ((line = await reader.ReadLineAsync(token)) != null)
            {
                byte[] reply = Encoding.UTF8.GetBytes(line.ToUpperInvariant() + "\n");
                await stream.WriteAsync(reply, token);
                await stream.FlushAsync(token);
            }
        }

        /// <summary>Reads one line of ASCII from a socket, byte by byte so nothing after it is consumed.</summary>
        public static async Task<string> ReadLine(Socket socket, CancellationToken token)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (await socket.ReceiveAsync(one, SocketFlags.None, token) == 1 && one[0] != (byte)'\n')
            {
                if (one[0] != (byte)'\r')
                {
                    line.Append((char)one[0]);
                }
            }

            return line.ToString();
        }

        public static Task Send(Socket socket, string text, CancellationToken token) =>
            socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, token).AsTask();

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            foreach (Socket connection in _connections)
            {
                connection.Dispose();
            }

            _acceptLoop.Wait(5000);
            _stop.Dispose();
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket connection;
                try
                {
                    connection = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is OperationCanceledException)
                {
                    return;
                }

                _connections.Add(connection);
                _ = Task.Run(async () =>
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    limit.CancelAfter(HandlerLimitMs);
                    try
                    {
                        await _handler(connection, limit.Token);
                    }
                    catch (Exception e)
                    {
                        Errors.Enqueue(e);
                    }
                    finally
                    {
                        connection.Dispose();
                    }
                });
            }
        }
    }
}
