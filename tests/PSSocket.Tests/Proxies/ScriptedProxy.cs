using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Tests.Tls;

namespace PSSocket.Tests.Proxies
{
    /// <summary>
    /// A fake proxy on 127.0.0.1 written with plain sockets: it plays its steps (read what the client sends, record
    /// it, send a scripted answer) for each connection, then echoes, holds the connection open, or closes it.
    /// </summary>
    public sealed class ScriptedProxy : IDisposable
    {
        private readonly LoopbackServer _server;

        private ScriptedProxy(IReadOnlyList<ProxyStep> steps, Then then)
        {
            _server = new LoopbackServer(async (socket, token) =>
            {
                foreach (var step in steps)
                {
                    await step(socket, Received, token);
                }

                if (then == Then.Echo)
                {
                    await Echo(socket, token);
                }
                else if (then == Then.Hold)
                {
                    await HoldOpen(token);
                }
            });
        }

        public enum Then
        {
            Echo,
            Hold,
            Close,
        }

        public int Port => _server.Port;

        /// <summary>What the client sent, one entry per read step, in order.</summary>
        public ConcurrentQueue<byte[]> Received { get; } = new ConcurrentQueue<byte[]>();

        public ConcurrentQueue<Exception> Errors => _server.Errors;

        public static ScriptedProxy Start(Then then, params ProxyStep[] steps) => new ScriptedProxy(steps, then);

        /// <summary>No script at all: a plain .NET echo server, the target behind the real proxies.</summary>
        public static ScriptedProxy EchoTarget() => new ScriptedProxy(Array.Empty<ProxyStep>(), Then.Echo);

        /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
        public static ProxyStep Read(int count) =>
            async (socket, received, token) => received.Enqueue(await ReadExact(socket, count, token));

        /// <summary>Reads a SOCKS5 CONNECT request (or an RFC 1929 user name and password): its length is in it.</summary>
        public static ProxyStep ReadSocksRequest() =>
            async (socket, received, token) =>
            {
                var request = new List<byte>(await ReadExact(socket, 4, token));
                int rest = request[3] switch
                {
                    1 => 4 + 2,
                    4 => 16 + 2,
                    3 => (await ReadExact(socket, 1, token))[0] + 2,
                    _ => throw new InvalidOperationException($"address type {request[3]}"),
                };
                if (request[3] == 3)
                {
                    request.Add((byte)(rest - 2));
                }

                request.AddRange(await ReadExact(socket, rest, token));
                received.Enqueue(request.ToArray());
            };

        public static ProxyStep ReadSocksAuth() =>
            async (socket, received, token) =>
            {
                var message = new List<byte>(await ReadExact(socket, 2, token));
                message.AddRange(await ReadExact(socket, message[1], token));
                byte passwordLength = (await ReadExact(socket, 1, token))[0];
                message.Add(passwordLength);
                message.AddRange(await ReadExact(socket, passwordLength, token));
                received.Enqueue(message.ToArray());
            };

        /// <summary>Reads an HTTP request head, up to and including its blank line.</summary>
        public static ProxyStep ReadHttpHead() =>
            async (socket, received, token) =>
            {
                var head = new List<byte>();
                while (head.Count < 4 || !(head[head.Count - 4] == '\r' && head[head.Count - 3] == '\n' && head[head.Count - 2] == '\r' && head[head.Count - 1] == '\n'))
                {
                    head.AddRange(await ReadExact(socket, 1, token));
                }

                received.Enqueue(head.ToArray());
            };

        public static ProxyStep Send(params byte[] bytes) =>
            async (socket, received, token) => await socket.SendAsync(bytes, SocketFlags.None, token);

        public static ProxyStep Send(string text) => Send(Encoding.ASCII.GetBytes(text));

        /// <summary>A pause, so the bytes before and after it reach the client in separate reads.</summary>
        public static ProxyStep Pause(int milliseconds) =>
            (socket, received, token) => Task.Delay(milliseconds, token);

        public void Dispose() => _server.Dispose();

        private static async Task<byte[]> ReadExact(Socket socket, int count, CancellationToken token)
        {
            var bytes = new byte[count];
            int have = 0;
            while (have < count)
            {
                int n = await socket.ReceiveAsync(new ArraySegment<byte>(bytes, have, count - have), SocketFlags.None, token);
                if (n == 0)
                {
                    throw new InvalidOperationException($"the client closed after {have} of {count} bytes");
                }

                have += n;
            }

            return bytes;
        }

        private static async Task Echo(Socket socket, CancellationToken token)
        {
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, token)) > 0)
            {
                await socket.SendAsync(new ArraySegment<byte>(buffer, 0, n), SocketFlags.None, token);
            }
        }

        private static async Task HoldOpen(CancellationToken token)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                // The proxy is being disposed.
            }
        }
    }
}
