using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Servers;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>
    /// Back-pressure of broadcast mode: a member that never reads is disconnected once its queue is full, the server
    /// counts and reports it, and the member that reads gets every line whole.
    /// </summary>
    public sealed class BroadcastBackPressureTests : ServerEngineTestBase
    {
        private const int LineLength = 1024;

        /// <summary>32 MiB: far more than the server's send buffer (4 MiB at most) and the queue hold for the stalled member.</summary>
        private const int Lines = 32 * 1024;

        private const int LinesPerBatch = 128;

        public BroadcastBackPressureTests()
            : base(waitMs: 60_000)
        {
        }

        [Fact]
        public void AMemberThatNeverReadsIsDisconnectedAndCountedWhileTheOthersGetEveryLine()
        {
            var handler = new BroadcastHandler("quit", maxQueuedBytes: 1024 * 1024, maxQueuedMessages: 1024);
            (SocketServer server, CollectingReporter reporter) = Serve(handler, new ServerOptions());
            using Socket stalled = ConnectWithSmallWindow(server);
            Socket reader = Connect(server);
            Socket writer = Connect(server);
            WaitUntil(() => handler.MemberCount == 3, "all three members joined");

            // The writer waits for the reading member after each batch, so only the stalled member falls behind.
            var progress = new ReadProgress();
            Task<string?> reading = Task.Run(() => ReadLines(reader, progress));
            var batch = new byte[LinesPerBatch * LineLength];
            batch.AsSpan().Fill((byte)'x');
            for (int i = LineLength - 1; i < batch.Length; i += LineLength)
            {
                batch[i] = (byte)'\n';
            }

            for (int sent = 0; sent < Lines; sent += LinesPerBatch)
            {
                writer.Send(batch);
                long due = (long)(sent + LinesPerBatch) * LineLength;
                WaitUntil(() => progress.Bytes >= due || reading.IsCompleted, "the reading member caught up");
            }

            Assert.True(reading.Wait(60_000), "the reading member got every line");
            Assert.Null(reading.Result);
            WaitUntil(() => server.Statistics.SlowClientsDropped == 1, "the member that never reads was dropped");
            Assert.Equal(2, handler.MemberCount);
            Assert.Contains(reporter.VerboseMessages, m => m.Contains("too slow", StringComparison.Ordinal));
            Assert.Empty(reporter.Errors);

            // The stalled member gets what was in flight, then the end of the stream: its connection was closed.
            stalled.ReceiveTimeout = 30_000;
            var scratch = new byte[64 * 1024];
            long stalledBytes = 0;
            int n;
            while ((n = stalled.Receive(scratch)) > 0)
            {
                stalledBytes += n;
            }

            Assert.InRange(stalledBytes, 0, (long)Lines * LineLength - 1);
            Assert.Equal(2, server.Statistics.Active);
        }

        /// <summary>
        /// A client whose receive buffer is set before it connects, so the kernel does not grow its window (up to 32 MiB
        /// on Linux) and the server's sends to it stall soon.
        /// </summary>
        private static Socket ConnectWithSmallWindow(SocketServer server)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8 * 1024 };
            socket.Connect((System.Net.IPEndPoint)server.Listener.LocalEndPoint!);
            return socket;
        }

        /// <summary>Reads until every line has come; null when each is whole, else what was wrong.</summary>
        private static string? ReadLines(Socket reader, ReadProgress progress)
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            long expected = (long)Lines * LineLength;
            while (total < expected)
            {
                int n = reader.Receive(buffer);
                if (n == 0)
                {
                    return $"the stream ended after {total} of {expected} bytes";
                }

                for (int i = 0; i < n; i++)
                {
                    bool endOfLine = (total + i) % LineLength == LineLength - 1;
                    if (buffer[i] != (endOfLine ? (byte)'\n' : (byte)'x'))
                    {
                        return $"byte {total + i} is out of place";
                    }
                }

                total += n;
                progress.Bytes = total;
            }

            return null;
        }
    
        private sealed class ReadProgress
        {
            private long _bytes;

            public long Bytes
            {
                get => System.Threading.Interlocked.Read(ref _bytes);
                set => System.Threading.Interlocked.Exchange(ref _bytes, value);
            }
        }
    }
}
