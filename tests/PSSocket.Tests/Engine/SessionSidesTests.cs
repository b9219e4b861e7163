using System;
using System.Net;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Transports;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>The session hands out its stream side or its datagram side, and names the error when asked for the other.</summary>
    public class SessionSidesTests
    {
        private readonly SessionRegistry _registry = new SessionRegistry();

        [Fact]
        public void AStreamSessionHasAStreamSideAndRefusesTheDatagramSide()
        {
            using SocketSession session = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);

            Assert.NotNull(session.Stream);
            var e = Assert.Throws<SocketSessionException>(() => session.Datagrams);
            Assert.Equal(ErrorIds.NotADatagramSession, e.ErrorId);
            Assert.Same(session, e.Target);
        }

        [Fact]
        public void ADatagramSessionHasADatagramSideAndRefusesTheStreamSide()
        {
            using SocketSession session = SessionFactory.Create(
                SocketRole.Client, new SocketSettings { Protocol = SocketProtocol.Udp }, _registry, SessionAddress.Ip(new IPEndPoint(IPAddress.Loopback, 0)));

            Assert.NotNull(session.Datagrams);
            Assert.Equal(SocketState.Bound, session.State);
            var e = Assert.Throws<SocketSessionException>(() => session.Stream);
            Assert.Equal(ErrorIds.NotAStreamSession, e.ErrorId);
        }

        [Fact]
        public void TheFactoryMakesAListenerThatListensAndAClientThatConnectsToIt()
        {
            using SocketSession listener = SessionFactory.Create(
                SocketRole.Listener, new SocketSettings(), _registry, SessionAddress.Ip(new IPEndPoint(IPAddress.Loopback, 0)), 8);
            using SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

            client.Connect(new ConnectRequest("127.0.0.1", port, 10_000, CancellationToken.None));
            using SocketSession accepted = listener.Stream.Accept(10_000, CancellationToken.None, secure: true);

            Assert.Equal(SocketState.Listening, listener.State);
            Assert.Equal(SocketState.Connected, client.State);
            Assert.Equal(SocketRole.Accepted, accepted.Role);
            Assert.Equal(client.LocalEndPoint, accepted.RemoteEndPoint);
        }

        [Fact]
        public void AListenerNeedsAnAddressAndAnAcceptedSessionComesOnlyFromAnAccept()
        {
            Assert.Throws<ArgumentException>(() => SessionFactory.Create(SocketRole.Listener, new SocketSettings(), _registry, null));
            Assert.Throws<ArgumentException>(() => SessionFactory.Create(SocketRole.Accepted, new SocketSettings(), _registry, null));
            Assert.Equal(0, _registry.Count);
        }

        [Fact]
        public void AFailedBindLeavesNoSessionRegistered()
        {
            using SocketSession taken = SessionFactory.Create(
                SocketRole.Listener, new SocketSettings(), _registry, SessionAddress.Ip(new IPEndPoint(IPAddress.Loopback, 0)), 8);
            var again = SessionAddress.Ip((IPEndPoint)taken.LocalEndPoint!);

            var e = Assert.Throws<SocketSessionException>(() => SessionFactory.Create(SocketRole.Listener, new SocketSettings(), _registry, again, 8));

            Assert.Equal(ErrorIds.AddressInUse, e.ErrorId);
            Assert.Equal(1, _registry.Count);
        }

        [Fact]
        public void TheDatagramSenderReturnsARefusalForTheCallerToName()
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            var counters = new SessionCounters();
            var sender = new DatagramSender(socket, counters, "owner");
            var broadcast = new IPEndPoint(IPAddress.Broadcast, 9);

            System.Net.Sockets.SocketError refused = sender.Send(new DatagramSendRequest(new byte[] { 1 }, broadcast, "broadcast", Deadline.After(5000), CancellationToken.None));
            System.Net.Sockets.SocketError sent = sender.Send(new DatagramSendRequest(new byte[] { 1, 2 }, new IPEndPoint(IPAddress.Loopback, 9), "loopback", Deadline.After(5000), CancellationToken.None));

            Assert.Equal(System.Net.Sockets.SocketError.AccessDenied, refused);
            Assert.Equal(System.Net.Sockets.SocketError.Success, sent);
            Assert.Equal(2L, counters.BytesSent);
        }
    }
}
