using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;
using Xunit;
using Xunit.Abstractions;

namespace PSSocket.Tests.Datagrams
{
    /// <summary>
    /// A burst of 100,000 64-byte datagrams over loopback, sent as fast as one socket sends: every datagram that
    /// arrives is whole and in order, and the session's large receive buffer keeps the loss far below the OS
    /// default's (about half). The under-1% aim itself is measured by bench/PSSocket.Bench's datagram-burst
    /// scenario, not asserted here: on a shared 2-core machine the loss swings with the CPU the receiver gets.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public class DatagramBurstTests : CmdletTestBase
    {
        private const int Datagrams = 100_000;
        private readonly ITestOutputHelper _output;

        public DatagramBurstTests(ITestOutputHelper output)
        {
            _output = output;
        }

        /// <summary>Far below the OS default's loss, with room for a busy machine (10% was seen under load).</summary>
        private const double MostLossAllowed = 25;

        /// <summary>Where the OS caps SO_RCVBUF low (Linux's stock rmem_max is 208 KiB), the receive thread alone must keep up; 1% is then not promised.</summary>
        private static bool BufferIsCapped(Socket socket) => socket.ReceiveBufferSize < SocketSettings.DefaultDatagramReceiveBufferSize;

        /// <summary>
        /// The test host carries the heap of the whole suite; a full collection of it in the middle of the burst
        /// would stall the receive thread for longer than any script's would. Collect it before the burst.
        /// </summary>
        private static void SettleTheHeap()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        private static void SendBurst(EndPoint target)
        {
            using var sender = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var payload = new byte[64];
            for (int i = 0; i < Datagrams; i++)
            {
                BitConverter.GetBytes(i).CopyTo(payload, 0);
                sender.SendTo(payload, target);
            }
        }

        [Fact]
        public void TheEngineKeepsEveryDatagramOfABurstInOrder()
        {
            using SocketSession session = TestSessions.CreateDatagramListener(
                new SocketSettings { Protocol = SocketProtocol.Udp }, null, new IPEndPoint(IPAddress.Loopback, 0));
            SettleTheHeap();
            var sender = new Thread(() => SendBurst(session.LocalEndPoint!));
            sender.Start();

            int received = 0, outOfOrder = 0, last = -1;
            try
            {
                while (true)
                {
                    ReceivedDatagram datagram = session.ReceiveDatagram(Deadline.After(1000), CancellationToken.None);
                    Assert.Equal(64, datagram.Payload.Length);
                    int sequence = BitConverter.ToInt32(datagram.Payload, 0);
                    outOfOrder += sequence <= last ? 1 : 0;
                    last = sequence;
                    received++;
                }
            }
            catch (PSSocket.Errors.SocketSessionException e) when (e.ErrorId == "ReceiveTimedOut")
            {
            }

            sender.Join();
            double loss = 100.0 * (Datagrams - received) / Datagrams;
            _output.WriteLine($"received {received} of {Datagrams} ({loss:0.00}% lost), SO_RCVBUF {session.Socket!.ReceiveBufferSize}");
            Assert.Equal(0, outOfOrder);
            Assert.Equal(received, session.DatagramsReceived);
            Assert.True(loss < (BufferIsCapped(session.Socket!) ? 50 : MostLossAllowed), $"{loss:0.00}% of the burst was lost.");
        }

        [Fact]
        public void ASessionReadThroughThePipelineKeepsMostOfABurst()
        {
            SocketSession session = PS.Run("$burst = Start-SocketListener -Protocol Udp; $burst").Single<SocketSession>();
            SettleTheHeap();
            var sender = new Thread(() =>
            {
                Thread.Sleep(300);
                SendBurst(session.LocalEndPoint!);
            });
            sender.Start();
            int received = PS.Run("$n = 0; $burst | Receive-SocketData -Stream -Timeout 1500 -AsByteArray | ForEach-Object { $n++ }; $n").Single<int>();
            sender.Join();
            double loss = 100.0 * (Datagrams - received) / Datagrams;
            _output.WriteLine($"received {received} of {Datagrams} ({loss:0.00}% lost), SO_RCVBUF {session.Socket!.ReceiveBufferSize}");
            Assert.True(loss < (BufferIsCapped(session.Socket!) ? 50 : MostLossAllowed), $"{loss:0.00}% of the burst was lost.");
        }
    }
}
