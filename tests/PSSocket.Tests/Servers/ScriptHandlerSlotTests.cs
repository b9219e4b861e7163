using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Servers;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>Who gets a script handler's slots: silent clients cannot take them all, and the queue is bounded.</summary>
    public sealed class ScriptHandlerSlotTests : ServerEngineTestBase
    {
        private const string LineHandler = "param($s) $l = $s | Receive-SocketData -Line -Timeout 20000; $s | Send-SocketData \"line:$l\" -Line";

        public ScriptHandlerSlotTests()
            : base(waitMs: 10_000)
        {
        }

        private (SocketServer server, CollectingReporter reporter) Serve(
            string script, int throttleLimit, int queueLimit = ScriptHandler.DefaultQueueLimit, int handlerTimeout = -1, int idleTimeout = -1)
        {
            var handler = new ScriptHandler(script, null, null, PowerShellHarness.ManifestPath, throttleLimit, handlerTimeout, queueLimit);
            return Serve(handler, new ServerOptions { IdleTimeout = idleTimeout });
        }

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

        [Fact]
        public void SilentClientsDoNotStarveClientsThatSendALine()
        {
            (SocketServer server, _) = Serve(LineHandler, throttleLimit: 4);
            for (int i = 0; i < 12; i++)
            {
                Connect(server);
            }

            WaitUntil(() => server.Statistics.Active == 12, "12 silent clients accepted");
            List<Socket> ready = Enumerable.Range(0, 6).Select(_ => Connect(server)).ToList();
            ready.ForEach(s => s.Send(Bytes("hello\n")));

            // Each reply is awaited at most 10 s; the silent clients' handlers would hold their slots for 20 s.
            string[] replies = Task.WhenAll(ready.Select(s => Task.Factory.StartNew(() => Text(RawPeer.ReceiveToEnd(s, 10_000)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).Result;
            Assert.Equal(Enumerable.Repeat("line:hello\n", 6), replies);
            Assert.InRange(server.Statistics.AwaitingData, 1, 12);
        }

        [Fact]
        public void AClientWithDataBeyondTheQueueLimitIsClosedUnservedAndCounted()
        {
            const string Greets = "param($s) $s | Send-SocketData started -Line; $l = $s | Receive-SocketData -Line -Timeout 20000; $s | Send-SocketData \"line:$l\" -Line";
            (SocketServer server, _) = Serve(Greets, throttleLimit: 1, queueLimit: 1);
            Socket first = Connect(server);
            Assert.Equal("started\n", ReadLine(first));

            Socket queued = Connect(server);
            queued.Send(Bytes("two\n"));
            WaitUntil(() => server.Statistics.Queued == 1 && server.Statistics.AwaitingData == 0, "one client with data queued");

            Socket refused = Connect(server);
            refused.Send(Bytes("three\n"));
            Assert.Empty(RawPeer.ReceiveToEnd(refused));
            Assert.Equal(1, server.Statistics.QueueRefused);

            first.Send(Bytes("one\n"));
            Assert.Equal("line:one\n", Text(RawPeer.ReceiveToEnd(first)));
            Assert.Equal("started\nline:two\n", Text(RawPeer.ReceiveToEnd(queued)));
            WaitUntil(() => server.Statistics.Queued == 0 && server.Statistics.Active == 0, "the queue drained");
        }

        [Fact]
        public void ASilentClientWaitingForASlotIsClosedAfterTheIdleTimeout()
        {
            (SocketServer server, _) = Serve(LineHandler, throttleLimit: 2, idleTimeout: 300);
            Connect(server);
            WaitUntil(() => server.Statistics.Active == 1, "the first silent client has the silent slot");
            Socket waiting = Connect(server);
            WaitUntil(() => server.Statistics.AwaitingData == 1, "the second waits for data");

            Assert.Empty(RawPeer.ReceiveToEnd(waiting));
            WaitUntil(() => server.Statistics.AwaitingData == 0 && server.Statistics.Queued == 0, "nothing waits");
        }

        [Fact]
        public void HandlersThatEndAtOnceLeaveNoTimeoutTimerBehind()
        {
            var handler = new ScriptHandler("param($s)", null, null, PowerShellHarness.ManifestPath, 4, handlerTimeout: 3_600_000);
            (SocketServer server, _) = Serve(handler, new ServerOptions());
            for (int i = 0; i < 30; i++)
            {
                Socket client = Connect(server);
                client.Send(Bytes("x"));
            }

            WaitUntil(() => server.Statistics.Accepted == 30 && server.Statistics.Active == 0, "every handler ended");
            WaitUntil(() => handler.ArmedTimers == 0, "every timeout timer disposed", 2_000);
        }

        private static string ReadLine(Socket socket)
        {
            var line = new StringBuilder();
            var one = new byte[1];
            while (socket.Receive(one) == 1)
            {
                line.Append((char)one[0]);
                if (one[0] == '\n')
                {
                    break;
                }
            }

            return line.ToString();
        }
    }
}
