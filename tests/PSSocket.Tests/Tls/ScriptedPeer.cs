using System;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// A line-based server that plays a script: "&gt; text" sends text (CR LF added), "&lt;" reads one line the client
    /// sent and records it. After the script it keeps the connection open until disposed.
    /// </summary>
    public static class ScriptedPeer
    {
        public static LoopbackServer Start(ConcurrentQueue<string> received, params string[] script) =>
            new LoopbackServer(async (socket, token) =>
            {
                foreach (string step in script)
                {
                    if (step == "<")
                    {
                        received.Enqueue(await LoopbackServer.ReadLine(socket, token));
                    }
                    else if (step.StartsWith("> ", StringComparison.Ordinal))
                    {
                        await LoopbackServer.Send(socket, step.Substring(2) + "\r\n", token);
                    }
                    else
                    {
                        await LoopbackServer.Send(socket, step, token);
                    }
                }

                await HoldOpen(token);
            });

        /// <summary>A server that reads <paramref name="requestLength"/> bytes, then answers with <paramref name="answer"/>.</summary>
        public static LoopbackServer Binary(int requestLength, byte[] answer, ConcurrentQueue<byte[]> received) =>
            new LoopbackServer(async (socket, token) =>
            {
                var request = new byte[requestLength];
                int have = 0;
                while (have < requestLength)
                {
                    int n = await socket.ReceiveAsync(new ArraySegment<byte>(request, have, requestLength - have), SocketFlags.None, token);
                    if (n == 0)
                    {
                        return;
                    }

                    have += n;
                }

                received.Enqueue(request);
                await socket.SendAsync(answer, SocketFlags.None, token);
                await HoldOpen(token);
            });

        private static async Task HoldOpen(CancellationToken token)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                // The server is being disposed.
            }
        }
    }
}
