using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Events
{
    /// <summary>The session's events: raised once per change, from a read-ahead that consumes nothing and stops on Close.</summary>
    public sealed class SessionEventTests : IDisposable
    {
        private const int Patience = 10_000;
        private readonly SessionRegistry _registry = new SessionRegistry();
        private readonly Socket _listener = RawPeer.Listen();

        public void Dispose()
        {
            _listener.Dispose();
            foreach (SocketSession session in _registry.Snapshot())
            {
                session.Close();
            }
        }

        [Fact]
        public void DataArrivedIsRaisedOncePerArrivalAndConsumesNothing()
        {
            (SocketSession client, Socket server) = Connected();
            using (server)
            {
                var arrivals = new ConcurrentQueue<SocketDataEventArgs>();
                client.DataArrived += (sender, e) => arrivals.Enqueue(e);
                server.Send(Encoding.ASCII.GetBytes("hello\nwor"));
                Wait.Until(() => arrivals.Count == 1, "DataArrived", Patience);
                Thread.Sleep(200);

                Assert.Single(arrivals);
                Assert.True(arrivals.TryPeek(out SocketDataEventArgs? first));
                Assert.Same(client, first!.Session);
                Assert.Equal(9, first.BytesBuffered);
                Assert.Equal(9, client.BytesBuffered);
                Assert.Equal("hello", Line(client));
                Assert.Equal(3, client.BytesBuffered);
            }
        }

        [Fact]
        public void EveryByteIsReceivedInOrderAfterTheReadAhead()
        {
            (SocketSession client, Socket server) = Connected();
            using (server)
            {
                int arrivals = 0;
                client.DataArrived += (sender, e) => Interlocked.Increment(ref arrivals);
                byte[] sent = RawPeer.RandomBytes(300_000, 16);
                RawPeer.SendInPieces(server, Enumerable.Range(0, 30).Select(i => sent.Skip(i * 10_000).Take(10_000).ToArray()), pauseMs: 1);
                server.Shutdown(SocketShutdown.Send);

                byte[] received = client.Stream.Receiver.ReceiveToEnd(Deadline.After(Patience), CancellationToken.None);
                Assert.Equal(sent, received);
                Assert.True(Volatile.Read(ref arrivals) > 0);
            }
        }

        [Fact]
        public void NothingIsReadAheadWithoutASubscriber()
        {
            (SocketSession client, Socket server) = Connected();
            using (server)
            {
                server.Send(new byte[] { 1, 2, 3 });
                Thread.Sleep(300);
                Assert.Equal(0, client.BytesBuffered);
                Assert.Equal(0, client.BytesReceived);
                Assert.False(client.Events.Pumping);
            }
        }

        [Fact]
        public void PeerClosedAndSessionClosedAreRaisedOnceEach()
        {
            (SocketSession client, Socket server) = Connected();
            int peerClosed = 0, closed = 0;
            client.PeerClosed += (sender, e) => Interlocked.Increment(ref peerClosed);
            client.SessionClosed += (sender, e) => Interlocked.Increment(ref closed);
            server.Send(Encoding.ASCII.GetBytes("last"));
            server.Shutdown(SocketShutdown.Send);
            server.Dispose();

            Wait.Until(() => Volatile.Read(ref peerClosed) == 1, "PeerClosed", Patience);
            Assert.Equal("last", Encoding.ASCII.GetString(client.Stream.Receiver.ReceiveToEnd(Deadline.After(Patience), CancellationToken.None)));
            client.Close();
            client.Close();
            Thread.Sleep(100);
            Assert.Equal(1, peerClosed);
            Assert.Equal(1, closed);
        }

        [Fact]
        public void ConnectedIsRaisedOnceWhenTheSessionConnects()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            var seen = new ConcurrentQueue<SocketState>();
            client.Connected += (sender, e) => seen.Enqueue(e.Session.State);
            client.Connect(new ConnectRequest("127.0.0.1", RawPeer.PortOf(_listener), Patience, CancellationToken.None));
            using Socket server = _listener.Accept();

            Assert.Equal(new[] { SocketState.Connected }, seen.ToArray());
            client.OnConnected();
            Assert.Single(seen);
        }

        [Fact]
        public void ASubscriberBeforeTheConnectGetsTheDataAfterIt()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            int arrivals = 0;
            client.DataArrived += (sender, e) => Interlocked.Increment(ref arrivals);
            Assert.False(client.Events.Pumping);
            client.Connect(new ConnectRequest("127.0.0.1", RawPeer.PortOf(_listener), Patience, CancellationToken.None));
            using Socket server = _listener.Accept();
            server.Send(new byte[] { 42 });
            Wait.Until(() => Volatile.Read(ref arrivals) == 1, "DataArrived after connecting", Patience);
        }

        [Fact]
        public void AThrowingHandlerCostsOnlyItself()
        {
            (SocketSession client, Socket server) = Connected();
            using (server)
            {
                int counted = 0;
                client.DataArrived += (sender, e) => throw new InvalidOperationException("a subscriber's bug");
                client.DataArrived += (sender, e) => Interlocked.Increment(ref counted);
                server.Send(new byte[] { 1 });
                Wait.Until(() => Volatile.Read(ref counted) == 1, "the second handler, first arrival", Patience);
                server.Send(new byte[] { 2 });
                Wait.Until(() => Volatile.Read(ref counted) == 2, "the second handler, second arrival", Patience);
                Assert.True(client.Events.Pumping);
                Assert.Equal(new byte[] { 1, 2 }, client.Stream.Receiver.ReceiveExactly(2, Deadline.After(Patience), CancellationToken.None));
            }
        }

        [Fact]
        public void ThePumpStopsOnCloseAndWhenTheLastSubscriberLeaves()
        {
            (SocketSession client, Socket server) = Connected();
            using (server)
            {
                EventHandler<SocketDataEventArgs> handler = (sender, e) => { };
                client.DataArrived += handler;
                Wait.Until(() => client.Events.Pumping, "the pump to start", Patience);
                client.DataArrived -= handler;
                Wait.Until(() => !client.Events.Pumping, "the pump to stop after the last subscriber", Patience);

                server.Send(new byte[] { 7 });
                Thread.Sleep(200);
                Assert.Equal(0, client.BytesBuffered);

                client.PeerClosed += (sender, e) => { };
                Wait.Until(() => client.BytesBuffered == 1, "the read-ahead after subscribing again", Patience);
                client.Close();
                Wait.Until(() => !client.Events.Pumping, "the pump to stop on Close", Patience);
            }
        }

        [Fact]
        public void AResetIsRaisedAsErrorWithItsId()
        {
            (SocketSession client, Socket server) = Connected();
            var errors = new ConcurrentQueue<SocketErrorEventArgs>();
            client.Error += (sender, e) => errors.Enqueue(e);
            client.DataArrived += (sender, e) => { };
            server.LingerState = new LingerOption(true, 0);
            server.Close();

            Wait.Until(() => errors.Count == 1, "Error", Patience);
            Assert.True(errors.TryPeek(out SocketErrorEventArgs? error));
            Assert.Equal(ErrorIds.ConnectionReset, error!.ErrorId);
            Assert.IsAssignableFrom<SocketSessionException>(error.Exception);
            Assert.Equal(SocketState.Reset, client.State);
        }

        [Fact]
        public void ReadingAheadStopsAtTheLimitUntilAReceiveTakesSome()
        {
            (SocketSession client, Socket server) = Connected();
            using (server)
            {
                client.DataArrived += (sender, e) => { };
                byte[] sent = RawPeer.RandomBytes(3 * ReceivePump.BufferLimit, 3);
                Task sending = Task.Run(() =>
                {
                    server.Send(sent);
                    server.Shutdown(SocketShutdown.Send);
                });
                Wait.Until(() => client.BytesBuffered >= ReceivePump.BufferLimit, "the buffer to reach the limit", Patience);
                Thread.Sleep(200);
                Assert.InRange(client.BytesBuffered, ReceivePump.BufferLimit, 2 * ReceivePump.BufferLimit);

                byte[] received = client.Stream.Receiver.ReceiveToEnd(Deadline.After(Patience), CancellationToken.None, 4 * ReceivePump.BufferLimit);
                Assert.True(sending.Wait(Patience));
                Assert.Equal(sent, received);
            }
        }

        [Fact]
        public void ADatagramSessionRaisesDataArrivedPerDatagram()
        {
            SocketSession udp = SessionFactory.Create(
                SocketRole.Listener, new SocketSettings { Protocol = SocketProtocol.Udp }, _registry, SessionAddress.Ip(new IPEndPoint(IPAddress.Loopback, 0)));
            var arrivals = new ConcurrentQueue<SocketDataEventArgs>();
            udp.DataArrived += (sender, e) => arrivals.Enqueue(e);
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.SendTo(new byte[] { 1, 2 }, udp.LocalEndPoint!);
            Wait.Until(() => arrivals.Count == 1, "DataArrived for a datagram", Patience);
            Assert.True(arrivals.TryPeek(out SocketDataEventArgs? e));
            Assert.Equal(1, e!.DatagramsBuffered);
            Assert.Equal(new byte[] { 1, 2 }, udp.Datagrams.Receive(Deadline.After(Patience), CancellationToken.None).Payload);
        }

        private (SocketSession Client, Socket Server) Connected()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.Connect(new ConnectRequest("127.0.0.1", RawPeer.PortOf(_listener), Patience, CancellationToken.None));
            Socket server = _listener.Accept();
            server.NoDelay = true;
            return (client, server);
        }

        private static string Line(SocketSession session) =>
            Encoding.ASCII.GetString(session.Stream.Receiver.ReceiveUntil(new byte[] { 10 }, null, Deadline.After(Patience), CancellationToken.None)!);
    }
}
