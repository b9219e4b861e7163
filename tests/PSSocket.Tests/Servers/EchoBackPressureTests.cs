using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Servers;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>
    /// Back-pressure of echo mode: a client that sends without reading stalls its own echo, and the server holds at
    /// most one buffer of its bytes: what it received and has not sent back never exceeds the largest buffer.
    /// </summary>
    public sealed class EchoBackPressureTests : ServerEngineTestBase
    {
        public EchoBackPressureTests()
            : base(waitMs: 30_000)
        {
        }

        [Fact]
        public void AClientThatNeverReadsStallsItsEchoAtOneBuffer()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(new EchoHandler(), new ServerOptions());
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8 * 1024 };
            client.Connect((IPEndPoint)server.Listener.LocalEndPoint!);
            using var stop = new CancellationTokenSource();
            Task sending = Task.Run(() => SendUntilStopped(client, stop.Token));

            // The client's sends block once every buffer on the way is full; then the server's counts stop moving.
            long received = -1;
            WaitUntil(
                () =>
                {
                    long now = server.Statistics.BytesReceived;
                    bool still = now > 0 && now == received;
                    received = now;
                    Thread.Sleep(500);
                    return still && now == server.Statistics.BytesReceived;
                },
                "the echo stalled");

            long held = server.Statistics.BytesReceived - server.Statistics.BytesSent;
            Assert.InRange(held, 0, EchoHandler.MaxBufferSize);
            Assert.False(sending.IsCompleted, "the client's send is blocked by back-pressure, not finished");
            Assert.Empty(reporter.Errors);

            stop.Cancel();
            client.Dispose();
            Assert.True(sending.Wait(10_000));
            WaitUntil(() => server.Statistics.Active == 0, "the connection closed");
        }

        private static void SendUntilStopped(Socket client, CancellationToken stop)
        {
            var chunk = new byte[64 * 1024];
            try
            {
                for (int i = 0; i < 4096 && !stop.IsCancellationRequested; i++)
                {
                    client.Send(chunk);
                }
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                // Closed by the test to end the blocked send.
            }
        }
    }
}
