using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Datagrams
{
    /// <summary>UDP sessions through the cmdlets, against raw .NET UDP sockets on loopback.</summary>
    public class DatagramTests : CmdletTestBase
    {
        private static Socket RawUdp(IPAddress? address = null)
        {
            address ??= IPAddress.Loopback;
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
            socket.Bind(new IPEndPoint(address, 0));
            return socket;
        }

        private static IPEndPoint EndPointOf(Socket socket) => (IPEndPoint)socket.LocalEndPoint!;

        private static (byte[] Data, IPEndPoint From) ReceiveRaw(Socket socket)
        {
            var buffer = new byte[70_000];
            EndPoint from = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            int n = socket.ReceiveFrom(buffer, ref from);
            return (buffer.Take(n).ToArray(), (IPEndPoint)from);
        }

        private SocketSession StartUdpListener(string name = "u", string options = "") =>
            PS.Run($"${name} = Start-SocketListener -Protocol Udp {options}; ${name}").Single<SocketSession>();

        [Fact]
        public void AListenerReceivesOneObjectPerDatagramWithItsSender()
        {
            SocketSession listener = StartUdpListener();
            Assert.Equal(SocketProtocol.Udp, listener.Protocol);
            Assert.Equal(SocketRole.Listener, listener.Role);
            Assert.Equal(SocketState.Bound, listener.State);
            Assert.Equal(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndPoint!).Address);

            using Socket sender = RawUdp();
            DateTime before = DateTime.Now;
            sender.SendTo(Encoding.UTF8.GetBytes("héllo"), listener.LocalEndPoint!);
            SocketDatagram datagram = PS.Run("Receive-SocketData $u -Timeout 5000").Single<SocketDatagram>();

            Assert.Equal("héllo", datagram.Data);
            Assert.Equal(6, datagram.Length);
            Assert.Equal(EndPointOf(sender), datagram.RemoteEndPoint);
            Assert.Same(listener, datagram.Session);
            Assert.InRange(datagram.ReceivedAt, before.AddSeconds(-1), DateTime.Now.AddSeconds(1));
            Assert.Equal("héllo", datagram.ToString());
            Assert.Equal(1L, listener.DatagramsReceived);
            Assert.Equal(6L, listener.BytesReceived);
        }

        [Fact]
        public void CountReturnsTheNextDatagramsWholeAndInOrderByteForByte()
        {
            SocketSession listener = StartUdpListener();
            using Socket sender = RawUdp();
            var sent = new List<byte[]>
            {
                Array.Empty<byte>(),
                RawPeer.RandomBytes(1, 1),
                RawPeer.RandomBytes(1472, 2),
                RawPeer.RandomBytes(SocketSession.MaxUdpDatagramIPv4, 3),
                RawPeer.RandomBytes(300, 4),
            };
            foreach (byte[] datagram in sent)
            {
                sender.SendTo(datagram, listener.LocalEndPoint!);
            }

            List<SocketDatagram> received = PS.Run("Receive-SocketData $u -Count 5 -AsByteArray -Timeout 5000").ThrowOnError().All<SocketDatagram>();
            Assert.Equal(sent.Count, received.Count);
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i], Assert.IsType<byte[]>(received[i].Data));
                Assert.Equal(sent[i].Length, received[i].Length);
                Assert.Equal(sent[i], received[i].GetBytes());
            }

            Assert.Equal(0, listener.DatagramsBuffered);
            Assert.Equal(0, listener.BytesBuffered);
        }

        [Fact]
        public void ACountThatTimesOutWritesWhatCameAndThenReceiveTimedOut()
        {
            StartUdpListener();
            using Socket sender = RawUdp();
            sender.SendTo(Encoding.ASCII.GetBytes("one"), (EndPoint)((SocketSession)PS.GetVariable("u")!).LocalEndPoint!);
            ScriptResult result = PS.Run("Receive-SocketData $u -Count 3 -Timeout 300");
            Assert.Equal(new[] { "one" }, result.All<SocketDatagram>().Select(d => (string)d.Data));
            Assert.Equal(new[] { "ReceiveTimedOut" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.OperationTimeout, result.Errors.Single().CategoryInfo.Category);
        }

        [Fact]
        public void StreamEndsQuietlyAtMaxCountOrWhenIdleAndDurationIsATimeWindow()
        {
            SocketSession listener = StartUdpListener();
            using Socket sender = RawUdp();
            for (int i = 0; i < 5; i++)
            {
                sender.SendTo(Encoding.ASCII.GetBytes("d" + i), listener.LocalEndPoint!);
            }

            ScriptResult limited = PS.Run("Receive-SocketData $u -Stream -MaxCount 2 -Timeout 5000");
            Assert.Equal(new[] { "d0", "d1" }, limited.ThrowOnError().All<SocketDatagram>().Select(d => (string)d.Data));

            ScriptResult idle = PS.Run("Receive-SocketData $u -Stream -Timeout 300 -Verbose");
            Assert.Equal(new[] { "d2", "d3", "d4" }, idle.ThrowOnError().All<SocketDatagram>().Select(d => (string)d.Data));
            Assert.Contains(idle.Verbose, v => v.Message.Contains("ends after 3"));

            // -Duration: a steady sender keeps the idle timeout from ever firing; the window still closes.
            using var stop = new CancellationTokenSource();
            var steady = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    sender.SendTo(Encoding.ASCII.GetBytes("tick"), listener.LocalEndPoint!);
                    Thread.Sleep(20);
                }
            });
            steady.Start();
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                ScriptResult window = PS.Run("Receive-SocketData $u -Duration 600 -Timeout 5000");
                Assert.InRange(watch.ElapsedMilliseconds, 550, 4000);
                Assert.InRange(window.ThrowOnError().Output.Count, 5, 60);
            }
            finally
            {
                stop.Cancel();
                steady.Join();
            }
        }

        [Fact]
        public void PipingADatagramToSendSocketDataAnswersItsSender()
        {
            SocketSession listener = StartUdpListener();
            using Socket sender = RawUdp();
            byte[] binary = RawPeer.RandomBytes(1000, 7);
            sender.SendTo(binary, listener.LocalEndPoint!);
            sender.SendTo(Encoding.ASCII.GetBytes("ping"), listener.LocalEndPoint!);

            // The datagram as the data: its payload goes back byte for byte (an echo).
            PS.Run("Receive-SocketData $u -AsByteArray -Timeout 5000 | Send-SocketData").ThrowOnError();
            (byte[] echo, IPEndPoint echoFrom) = ReceiveRaw(sender);
            Assert.Equal(binary, echo);
            Assert.Equal(listener.LocalEndPoint, echoFrom);

            // Other data: Session and RemoteEndPoint bind by property name.
            PS.Run("Receive-SocketData $u -Timeout 5000 | Send-SocketData 'pong'").ThrowOnError();
            Assert.Equal("pong", Encoding.ASCII.GetString(ReceiveRaw(sender).Data));

            // And the form the docs show: ForEach-Object with the datagram's end point.
            sender.SendTo(Encoding.ASCII.GetBytes("again"), listener.LocalEndPoint!);
            PS.Run("Receive-SocketData $u -Timeout 5000 | ForEach-Object { Send-SocketData -Session $u -RemoteEndPoint $_.RemoteEndPoint -Data $_.Data.ToUpper() }").ThrowOnError();
            Assert.Equal("AGAIN", Encoding.ASCII.GetString(ReceiveRaw(sender).Data));
            Assert.Equal(3L, listener.DatagramsSent);
        }

        [Fact]
        public void SendSocketDataSendsOneDatagramPerItem()
        {
            using Socket receiver = RawUdp();
            PS.SetVariable("to", EndPointOf(receiver).ToString());
            PS.Run("$c = New-Socket -Protocol Udp; 'a', 'bb' | Send-SocketData -Session $c -RemoteEndPoint $to; Send-SocketData -Session $c -RemoteEndPoint $to -Data ([byte[]](0, 255, 1)); Send-SocketData -Session $c -To $to -Data 'line' -Line -LineEnding CrLf").ThrowOnError();
            Assert.Equal("a", Encoding.ASCII.GetString(ReceiveRaw(receiver).Data));
            Assert.Equal("bb", Encoding.ASCII.GetString(ReceiveRaw(receiver).Data));
            Assert.Equal(new byte[] { 0, 255, 1 }, ReceiveRaw(receiver).Data);
            Assert.Equal("line\r\n", Encoding.ASCII.GetString(ReceiveRaw(receiver).Data));
            var client = (SocketSession)PS.GetVariable("c")!;
            Assert.Equal(4L, client.DatagramsSent);
            Assert.Equal(1L + 2 + 3 + 6, client.BytesSent);
        }

        [Fact]
        public void AClientSessionIsBoundByItsFirstSendAndReceivesTheAnswer()
        {
            using Socket server = RawUdp();
            PS.SetVariable("port", EndPointOf(server).Port);
            SocketSession client = PS.Run("$c = New-Socket -Protocol Udp -ReceiveTimeout 5000; $c").Single<SocketSession>();
            Assert.Equal(SocketState.Created, client.State);
            Assert.Equal(new[] { "NotBound" }, PS.Run("Receive-SocketData $c -Timeout 100").ErrorIds);

            PS.Run("Send-SocketData -Session $c -ComputerName localhost -Port $port -Data 'question'").ThrowOnError();
            Assert.Equal(SocketState.Bound, client.State);
            (byte[] question, IPEndPoint from) = ReceiveRaw(server);
            Assert.Equal("question", Encoding.ASCII.GetString(question));
            Assert.Equal(from.Port, ((IPEndPoint)client.LocalEndPoint!).Port);

            server.SendTo(Encoding.ASCII.GetBytes("answer"), from);
            SocketDatagram answer = PS.Run("Receive-SocketData $c").Single<SocketDatagram>();
            Assert.Equal("answer", answer.Data);
            Assert.Equal(EndPointOf(server), answer.RemoteEndPoint);
        }

        [Fact]
        public void ABoundClientReceivesAtItsAddressAndConnectsWithTheSameSocket()
        {
            using Socket peer = RawUdp();
            SocketSession client = PS.Run("$c = New-Socket -Protocol Udp -LocalAddress 127.0.0.1 -LocalPort 0; $c").Single<SocketSession>();
            Assert.Equal(SocketState.Bound, client.State);
            EndPoint bound = client.LocalEndPoint!;
            peer.SendTo(Encoding.ASCII.GetBytes("before connect"), bound);
            Assert.Equal("before connect", PS.Run("Receive-SocketData $c -Timeout 5000").Single<SocketDatagram>().Data);

            PS.Run($"$c | Connect-Socket 127.0.0.1 {EndPointOf(peer).Port} | Send-SocketData 'after connect'").ThrowOnError();
            Assert.Equal(SocketState.Connected, client.State);
            Assert.Equal(bound, client.LocalEndPoint);
            (byte[] data, IPEndPoint from) = ReceiveRaw(peer);
            Assert.Equal("after connect", Encoding.ASCII.GetString(data));
            Assert.Equal(bound, from);
        }

        [Fact]
        public void AConnectedSessionSendsToItsPeerAndHearsOnlyFromIt()
        {
            using Socket peer = RawUdp();
            using Socket stranger = RawUdp();
            PS.SetVariable("port", EndPointOf(peer).Port);
            SocketSession session = PS.Run("$c = Connect-Socket 127.0.0.1 $port -Protocol Udp; $c").Single<SocketSession>();
            Assert.Equal(SocketState.Connected, session.State);
            Assert.Equal(SocketProtocol.Udp, session.Protocol);
            Assert.Equal(EndPointOf(peer), session.RemoteEndPoint);

            PS.Run("$c | Send-SocketData 'to the peer'").ThrowOnError();
            (byte[] data, IPEndPoint from) = ReceiveRaw(peer);
            Assert.Equal("to the peer", Encoding.ASCII.GetString(data));

            stranger.SendTo(Encoding.ASCII.GetBytes("stranger"), from);
            peer.SendTo(Encoding.ASCII.GetBytes("peer"), from);
            Assert.Equal("peer", PS.Run("Receive-SocketData $c -Timeout 5000").Single<SocketDatagram>().Data);
            Assert.Equal(new[] { "ReceiveTimedOut" }, PS.Run("Receive-SocketData $c -Timeout 200").ErrorIds);

            // A session piped in brings its own RemoteEndPoint by property name; that is its peer, so it is no destination.
            PS.Run("$c | Send-SocketData 'piped'").ThrowOnError();
            Assert.Equal("piped", Encoding.ASCII.GetString(ReceiveRaw(peer).Data));
        }

        [Fact]
        public void AConnectedSessionHearsThatThePeersPortIsClosed()
        {
            int closed;
            using (Socket gone = RawUdp())
            {
                closed = EndPointOf(gone).Port;
            }

            PS.Run($"$c = Connect-Socket 127.0.0.1 {closed} -Protocol Udp; $c | Send-SocketData 'anyone?'").ThrowOnError();
            ScriptResult result = PS.Run("Receive-SocketData $c -Timeout 500");
            Assert.Equal(new[] { "ConnectionRefused", "ReceiveTimedOut" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.ConnectionError, result.Errors[0].CategoryInfo.Category);
        }

        [Fact]
        public void ATimedOutOrStoppedReceiveLosesNoDatagram()
        {
            SocketSession listener = StartUdpListener();
            using Socket sender = RawUdp();
            Assert.Equal(new[] { "ReceiveTimedOut" }, PS.Run("Receive-SocketData $u -Timeout 50").ErrorIds);

            using (PowerShell waiting = PS.CreatePipeline("Receive-SocketData $u -Timeout 30000"))
            {
                // The harness runs pipelines on the invoking thread, so the waiting receive gets a thread of its own.
                Task running = Task.Factory.StartNew(() => waiting.Invoke(), TaskCreationOptions.LongRunning);
                Assert.False(running.Wait(300), "the receive should be waiting before it is stopped");
                var watch = System.Diagnostics.Stopwatch.StartNew();
                waiting.Stop();
                Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(5000));
                Assert.True(watch.ElapsedMilliseconds < 2000, $"Stopping took {watch.ElapsedMilliseconds} ms.");
                Assert.Equal(PSInvocationState.Stopped, waiting.InvocationStateInfo.State);
            }

            sender.SendTo(Encoding.ASCII.GetBytes("later"), listener.LocalEndPoint!);
            sender.SendTo(Encoding.ASCII.GetBytes("and later"), listener.LocalEndPoint!);
            SpinWait.SpinUntil(() => listener.DatagramsBuffered == 2, 5000);
            Assert.Equal(2, listener.DatagramsBuffered);
            Assert.Equal(14, listener.BytesBuffered);
            Assert.Equal(new[] { "later", "and later" }, PS.Run("Receive-SocketData $u -Count 2 -Timeout 5000").All<SocketDatagram>().Select(d => (string)d.Data));
        }

        [Fact]
        public void ClosingWakesAWaitingReceiveAndLeavesNothingOpen()
        {
            StartUdpListener();
            using PowerShell waiting = PS.CreatePipeline("Receive-SocketData $u -Timeout 30000");
            var session = (SocketSession)PS.GetVariable("u")!;
            Task running = Task.Factory.StartNew(() => waiting.Invoke(), TaskCreationOptions.LongRunning);
            Assert.False(running.Wait(300), "the receive should be waiting before the session closes");
            session.Close();
            Assert.True(running.Wait(5000), "The receive did not end when the session closed.");
            Assert.Contains(waiting.Streams.Error, e => e.FullyQualifiedErrorId.StartsWith("SessionClosed", StringComparison.Ordinal));
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void GetSocketFiltersByProtocolAndTheTableShowsIt()
        {
            PS.Run("$t = Start-SocketListener; $u = Start-SocketListener -Protocol Udp; $c = New-Socket -Protocol Udp").ThrowOnError();
            Assert.Equal(2, PS.Run("Get-Socket -Protocol Udp").Output.Count);
            Assert.Equal(SocketProtocol.Tcp, PS.Run("Get-Socket -Protocol Tcp").Single<SocketSession>().Protocol);
            Assert.Empty(PS.Run("Get-Socket -Protocol UnixStream, UnixDatagram").Output);
            Assert.StartsWith("Udp 127.0.0.1:", PS.Run("\"$u\"").Single<string>());
        }

        [Fact]
        public void TheReceiveBufferDefaultsLargeForDatagramsAndCanBeSet()
        {
            using var plain = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            SocketSession byDefault = StartUdpListener("d");
            Assert.True(byDefault.Socket!.ReceiveBufferSize >= plain.ReceiveBufferSize);
            Assert.True(byDefault.Socket!.ReceiveBufferSize >= Math.Min(SocketSettings.DefaultDatagramReceiveBufferSize, MaxReceiveBuffer()));

            SocketSession small = StartUdpListener("s", "-ReceiveBufferSize 65536");
            int effective = small.Socket!.ReceiveBufferSize;
            Assert.True(effective == 65536 || effective == 2 * 65536, $"SO_RCVBUF is {effective}.");
        }

        [Fact]
        public void UnreadDatagramsAreHeldUpToABoundAndTheRestWaitInTheSocket()
        {
            SocketSession listener = StartUdpListener();
            using Socket sender = RawUdp();
            var payload = new byte[60_000];
            for (int i = 0; i < 800; i++)
            {
                // 48 MB in all, more than the queue and the socket buffer hold; paced so the receive thread keeps up.
                BitConverter.GetBytes(i).CopyTo(payload, 0);
                sender.SendTo(payload, listener.LocalEndPoint!);
                if (i % 10 == 9)
                {
                    Thread.Sleep(5);
                }
            }

            int buffered = -1;
            while (SpinWait.SpinUntil(() => listener.BytesBuffered != buffered, 300))
            {
                buffered = listener.BytesBuffered;
            }

            const int limit = 32 * 1024 * 1024;
            int queued = listener.DatagramsBuffered;
            Assert.InRange(listener.BytesBuffered, limit - 2 * payload.Length, limit + payload.Length);

            // Reading makes room: the receive thread goes on with what waited in the socket buffer, in order.
            var sequence = PS.Run("Receive-SocketData $u -Stream -Timeout 1000 -AsByteArray | ForEach-Object { [BitConverter]::ToInt32($_.Data, 0) }").ThrowOnError().All<int>();
            Assert.True(sequence.Count > queued, $"{sequence.Count} datagrams read, {queued} were queued");
            Assert.Equal(sequence.OrderBy(n => n), sequence);
            Assert.Equal(sequence.Distinct().Count(), sequence.Count);
        }

        [Fact]
        public void BroadcastNeedsTheSwitchAndArrivesOnLoopback()
        {
            // 127.255.255.255 is the broadcast address of the loopback network: the datagram never leaves the machine.
            SocketSession wildcard = StartUdpListener("w", "-LocalAddress 0.0.0.0");
            PS.SetVariable("to", $"127.255.255.255:{((IPEndPoint)wildcard.LocalEndPoint!).Port}");

            ScriptResult refused = PS.Run("$plain = New-Socket -Protocol Udp; $plain | Send-SocketData -RemoteEndPoint $to -Data 'no'");
            Assert.Equal(new[] { "BroadcastNotEnabled" }, refused.ErrorIds);
            Assert.Equal(ErrorCategory.PermissionDenied, refused.Errors.Single().CategoryInfo.Category);

            PS.Run("$b = New-Socket -Protocol Udp -Broadcast; $b | Send-SocketData -RemoteEndPoint $to -Data 'to everyone'").ThrowOnError();
            Assert.True(((SocketSession)PS.GetVariable("b")!).Socket!.EnableBroadcast);
            Assert.Equal("to everyone", PS.Run("Receive-SocketData $w -Timeout 5000").Single<SocketDatagram>().Data);
        }

        [Fact]
        public void AMulticastListenerJoinsItsGroupsOnTheWildcardAddress()
        {
            // Delivery of multicast over loopback depends on the machine's routes; joining and the bind are what is tested.
            ScriptResult result = PS.Run("Start-SocketListener -Protocol Udp -MulticastGroup 239.255.77.1, 239.255.77.2");
            if (result.ErrorIds.SequenceEqual(new[] { "SocketError" }) && result.Errors[0].Exception.Message.Contains("multicast"))
            {
                return; // no multicast route on this machine; the error says so, with the group as its target
            }

            SocketSession listener = result.Single<SocketSession>();
            Assert.Equal(IPAddress.Any, ((IPEndPoint)listener.LocalEndPoint!).Address);
            Assert.Equal(new[] { IPAddress.Parse("239.255.77.1"), IPAddress.Parse("239.255.77.2") }, listener.MulticastGroups);

            // Sending to a group needs no option.
            PS.Run($"New-Socket -Protocol Udp | Send-SocketData -RemoteEndPoint 239.255.77.1:{((IPEndPoint)listener.LocalEndPoint!).Port} -Data 'hello group'").ThrowOnError();
        }

        private static int MaxReceiveBuffer()
        {
            const string path = "/proc/sys/net/core/rmem_max";
            return System.IO.File.Exists(path) ? int.Parse(System.IO.File.ReadAllText(path).Trim()) : int.MaxValue;
        }
    }
}
