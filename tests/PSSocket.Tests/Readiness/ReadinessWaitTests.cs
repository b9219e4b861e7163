using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Tls;
using PSSocket.Threading;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Readiness
{
    /// <summary>The readiness engine behind Wait-Socket: many sessions, one thread, and never a byte taken.</summary>
    public sealed class ReadinessWaitTests : IDisposable
    {
        private const int Long = 10_000;
        private readonly SessionRegistry _registry = new SessionRegistry();
        private readonly SocketSession _listener;

        public ReadinessWaitTests()
        {
            _listener = SessionFactory.Create(SocketRole.Listener, new SocketSettings(), _registry, SessionAddress.Ip(new IPEndPoint(IPAddress.Loopback, 0)), 256);
        }

        private int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public void Dispose() => _registry.CloseAll();

        private (SocketSession Client, SocketSession Server) Pair()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.Connect(new ConnectRequest("127.0.0.1", Port, Long, CancellationToken.None));
            return (client, _listener.Stream.Accept(Long, CancellationToken.None, secure: false));
        }

        private static IReadOnlyList<SocketSession> Wait(IEnumerable<SocketSession> sessions, ReadinessEvent wanted, int timeout, bool all = false) =>
            new ReadinessWait(sessions, wanted, all).Wait(timeout, CancellationToken.None);

        private static void Send(SocketSession session, string text)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            session.Stream.Send(bytes, 0, bytes.Length, CancellationToken.None);
        }

        private static string ReceiveExactly(SocketSession session, int count) =>
            Encoding.ASCII.GetString(session.Stream.Receiver.ReceiveExactly(count, Deadline.After(Long), CancellationToken.None));

        [Fact]
        public void OfManyIdleSessionsOnlyTheOneWithDataIsReadyAndKeepsEveryByte()
        {
            var pairs = Enumerable.Range(0, 60).Select(_ => Pair()).ToList();
            SocketSession[] clients = pairs.Select(p => p.Client).ToArray();
            Assert.Empty(Wait(clients, ReadinessEvent.Read, 100));

            Send(pairs[41].Server, "hello, one of sixty");
            IReadOnlyList<SocketSession> ready = Wait(clients, ReadinessEvent.Read, Long);

            Assert.Equal(new[] { clients[41] }, ready);
            Assert.Equal(19, clients[41].BytesBuffered);
            Assert.Equal("hello, one of sixty", ReceiveExactly(clients[41], 19));
            Assert.Empty(Wait(clients, ReadinessEvent.Read, 0));
        }

        [Fact]
        public void BytesAlreadyBufferedOnTheSessionMakeItReadyAtOnce()
        {
            (SocketSession client, SocketSession server) = Pair();
            Send(server, "abcdef");
            Assert.Equal("abc", ReceiveExactly(client, 3));
            Assert.Equal(3, client.BytesBuffered);
            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Read, 0));
        }

        [Fact]
        public void ATlsSessionIsReadyForEachRecordAndKeepsEveryDecryptedByte()
        {
            byte[] payload = RawPeer.RandomBytes(100_000, seed: 16);
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server, afterHandshake: async (ssl, token) =>
            {
                // Several records at once; a read of the session takes at most 16 KiB. A TLS session is watched through a read into its buffer, never on the socket alone.
                await ssl.WriteAsync(payload, token);
                await Task.Delay(-1, token);
            });
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.Connect(new ConnectRequest("127.0.0.1", server.Port, Long, CancellationToken.None) { Tls = new TlsClientOptions { SkipCertificateCheck = true } });
            Thread.Sleep(300); // every record reaches the client's kernel before its first read

            var received = new List<byte>();
            while (received.Count < payload.Length)
            {
                Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Read, Long));
                received.AddRange(client.Stream.Receiver.ReceiveAvailable(null, Deadline.After(0), CancellationToken.None)!);
            }

            Assert.Equal(payload, received.ToArray());
            Assert.Empty(Wait(new[] { client }, ReadinessEvent.Read, 100));
        }

        [Fact]
        public void EndOfStreamWaitsForThePeerToCloseAndLeavesTheBytesBeforeIt()
        {
            (SocketSession client, SocketSession server) = Pair();
            Send(server, "last words");
            Assert.Empty(Wait(new[] { client }, ReadinessEvent.EndOfStream, 100));

            server.Stream.ShutdownSend();
            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.EndOfStream, Long));
            Assert.True(client.RemoteClosed);
            Assert.Equal("last words", Encoding.ASCII.GetString(client.Stream.Receiver.ReceiveToEnd(Deadline.After(Long), CancellationToken.None)));
        }

        [Fact]
        public void AResetIsReadyAndTheStateSaysSo()
        {
            (SocketSession client, SocketSession server) = Pair();
            server.Socket!.LingerState = new LingerOption(true, 0);
            server.Socket.Close();

            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Read, Long));
            Assert.Equal(SocketState.Reset, client.State);
            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.EndOfStream, Long));
        }

        [Fact]
        public void ABackgroundConnectIsConnectingUntilItConnects()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.BeginConnect("127.0.0.1", Port, Long);

            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Connect, Long));
            Assert.Equal(SocketState.Connected, client.State);
            Assert.Null(client.ConnectError);
            SocketSession server = _listener.Stream.Accept(Long, CancellationToken.None, secure: false);
            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Write, Long));
            Send(client, "ok");
            Assert.Equal("ok", ReceiveExactly(server, 2));
        }

        [Fact]
        public void AFailedBackgroundConnectClosesTheSessionWithTheBlockingConnectsErrorId()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.BeginConnect("127.0.0.1", RawPeer.ClosedPort(), Long);

            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Connect, Long));
            Assert.Equal(SocketState.Closed, client.State);
            Assert.Equal(ErrorIds.ConnectionRefused, client.ConnectError!.ErrorId);
        }

        [Fact]
        public void AConnectThatGetsNoAnswerStaysConnectingRefusesIOAndCloseEndsIt()
        {
            using var unanswered = new UnansweredEndPoint();
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.BeginConnect("127.0.0.1", unanswered.Port, Long);

            Assert.Equal(SocketState.Connecting, client.State);
            Assert.Empty(Wait(new[] { client }, ReadinessEvent.Connect, 100));
            SocketSessionException refused = Assert.Throws<SocketSessionException>(() => Send(client, "too soon"));
            Assert.Equal(ErrorIds.ConnectInProgress, refused.ErrorId);
            Assert.Equal(ErrorIds.ConnectInProgress, Assert.Throws<SocketSessionException>(() => client.Stream.Receiver).ErrorId);

            client.Close();
            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Connect, Long));
            Assert.True(client.PendingConnect!.Wait(Long));
            Assert.Equal(ErrorIds.SessionClosed, client.ConnectError!.ErrorId);
        }

        [Fact]
        public void ATimedOutBackgroundConnectSaysConnectTimedOut()
        {
            using var unanswered = new UnansweredEndPoint();
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.BeginConnect("127.0.0.1", unanswered.Port, 300);

            Assert.Equal(new[] { client }, Wait(new[] { client }, ReadinessEvent.Connect, Long));
            Assert.Equal(ErrorIds.ConnectTimedOut, client.ConnectError!.ErrorId);
        }

        [Fact]
        public void CancellationEndsAWaitThatNothingWouldEnd()
        {
            (SocketSession client, _) = Pair();
            using var stop = new CancellationTokenSource(200);
            Assert.ThrowsAny<OperationCanceledException>(() => new ReadinessWait(new[] { client }, ReadinessEvent.Read, false).Wait(-1, stop.Token));
            Assert.Equal(SocketState.Connected, client.State);
        }

        [Fact]
        public void WaitingForAllWritesOnlyWhenEverySessionIsReady()
        {
            (SocketSession a, SocketSession serverA) = Pair();
            (SocketSession b, SocketSession serverB) = Pair();
            Send(serverA, "a");
            Assert.Equal(new[] { a }, Wait(new[] { a, b }, ReadinessEvent.Read, 200, all: true));
            Send(serverB, "b");
            Assert.Equal(new[] { a, b }, Wait(new[] { a, b }, ReadinessEvent.Read, Long, all: true));
        }

        [Fact]
        public void ADatagramSessionIsReadyWhenADatagramWaits()
        {
            SocketSession udp = SessionFactory.Create(SocketRole.Listener, new SocketSettings { Protocol = SocketProtocol.Udp }, _registry, SessionAddress.Ip(new IPEndPoint(IPAddress.Loopback, 0)));
            Assert.Empty(Wait(new[] { udp }, ReadinessEvent.Read, 100));
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.SendTo(new byte[] { 1, 2, 3 }, udp.LocalEndPoint!);

            Assert.Equal(new[] { udp }, Wait(new[] { udp }, ReadinessEvent.Read, Long));
            Assert.Equal(new byte[] { 1, 2, 3 }, udp.Datagrams.Receive(Deadline.After(Long), CancellationToken.None).Payload);
        }

        [Fact]
        public void AClosedSessionIsReadyForEveryEvent()
        {
            (SocketSession client, _) = Pair();
            client.Close();
            foreach (ReadinessEvent wanted in Enum.GetValues(typeof(ReadinessEvent)))
            {
                Assert.Equal(new[] { client }, Wait(new[] { client }, wanted, 0));
            }
        }
    
        [Fact]
        public void WithOtherEventsABackgroundConnectIsReportedOnceThenTheSessionWaitsForTheOthers()
        {
            SocketSession client = SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);
            client.BeginConnect("127.0.0.1", Port, Long);
            var both = new[] { ReadinessEvent.Connect, ReadinessEvent.EndOfStream };

            Assert.Equal(new[] { client }, new ReadinessWait(new[] { client }, both, false).Wait(Long, CancellationToken.None));
            Assert.Equal(SocketState.Connected, client.State);
            Assert.Empty(new ReadinessWait(new[] { client }, both, false).Wait(100, CancellationToken.None));

            SocketSession server = _listener.Stream.Accept(Long, CancellationToken.None, secure: false);
            Send(server, "answer");
            server.Close();
            Assert.Equal(new[] { client }, new ReadinessWait(new[] { client }, both, false).Wait(Long, CancellationToken.None));
            Assert.Equal("answer", ReceiveExactly(client, 6));
        }
    }
}
