using System;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Relays;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Servers;
using PSSocket.Tests.Tls;
using Xunit;

namespace PSSocket.Tests.Relays
{
    /// <summary>
    /// The relay engine: a loopback relay between raw clients and raw targets, every byte compared. Serial: among the
    /// suite's blocking tests the pool thread a relay's continuation needs could come late enough to fail a wait.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public class RelayEngineTests : ServerEngineTestBase
    {
        private const int WaitMs = 20_000;

        public RelayEngineTests()
            : base(WaitMs)
        {
        }

        [Fact]
        public void BytesGoBothWaysExactlyAndTheClientsHalfCloseReachesTheTarget()
        {
            using Socket target = RawPeer.Listen();
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target)));
            Socket client = Connect(server);
            byte[] up = RawPeer.RandomBytes(3_000_000, seed: 1);
            byte[] down = RawPeer.RandomBytes(2_000_000, seed: 2);

            using Socket accepted = target.Accept();
            Task sending = Task.Run(() => { client.Send(up); client.Shutdown(SocketShutdown.Send); });
            Assert.Equal(up, RawPeer.ReceiveToEnd(accepted, WaitMs));
            sending.Wait(WaitMs);

            // The client's FIN arrived as an end of stream; the answer still flows back on the half-open connection.
            Task answering = Task.Run(() => { accepted.Send(down); accepted.Shutdown(SocketShutdown.Send); });
            Assert.Equal(down, RawPeer.ReceiveToEnd(client, WaitMs));
            Assert.True(answering.Wait(WaitMs));

            RelayConnectionSummary summary = SummaryOf(reporter);
            Assert.Equal(RelayEnding.Closed, summary.Ending);
            Assert.Equal(up.Length, summary.BytesClientToTarget);
            Assert.Equal(down.Length, summary.BytesTargetToClient);
            Assert.Equal(client.LocalEndPoint, summary.Client);
            Assert.Empty(reporter.Errors);
        }

        [Fact]
        public void TheTargetsHalfCloseReachesTheClientWhichCanStillSend()
        {
            using Socket target = RawPeer.Listen();
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target)));
            Socket client = Connect(server);
            using Socket accepted = target.Accept();
            byte[] banner = RawPeer.RandomBytes(70_000, seed: 3);
            byte[] late = RawPeer.RandomBytes(90_000, seed: 4);

            accepted.Send(banner);
            accepted.Shutdown(SocketShutdown.Send);
            Assert.Equal(banner, RawPeer.ReceiveToEnd(client, WaitMs));

            client.Send(late);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(late, RawPeer.ReceiveToEnd(accepted, WaitMs));
            Assert.Equal(RelayEnding.Closed, SummaryOf(reporter).Ending);
        }

        [Fact]
        public void AnUnreachableTargetClosesTheClientAndIsReportedWithAnId()
        {
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.ClosedPort()));
            Socket client = Connect(server);
            Assert.Empty(RawPeer.ReceiveToEnd(client, WaitMs));

            RelayConnectionSummary summary = SummaryOf(reporter);
            Assert.Equal(RelayEnding.TargetUnreachable, summary.Ending);
            Assert.Contains("refused", summary.Reason, StringComparison.OrdinalIgnoreCase);
            SocketSessionException error = reporter.Errors.Single();
            Assert.Equal(ErrorIds.RelayTargetUnreachable, error.ErrorId);
            Assert.Contains(summary.Target, error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void UnixSocketsOnBothSidesRelayEveryByte()
        {
            using var listenPath = new TempSocketPath("rl");
            using var targetPath = new TempSocketPath("rt");
            using Socket target = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            target.Bind(UnixEndPoints.Create(targetPath.Path, null));
            target.Listen(4);
            SocketSession listener = TestSessions.CreateUnixListener(new SocketSettings { Protocol = SocketProtocol.UnixStream }, Registry, listenPath.Path, 4);
            var reporter = new CollectingReporter();
            var server = new SocketServer(listener, new RelayHandler(new RelayOptions(RelayTarget.UnixPath(targetPath.Path))), new ServerOptions()) { Reporter = reporter };
            server.Start();

            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(UnixEndPoints.Create(listenPath.Path, null));
            byte[] up = RawPeer.RandomBytes(500_000, seed: 5);
            byte[] down = RawPeer.RandomBytes(600_000, seed: 6);
            using Socket accepted = target.Accept();
            Task sending = Task.Run(() => { client.Send(up); client.Shutdown(SocketShutdown.Send); });
            Assert.Equal(up, RawPeer.ReceiveToEnd(accepted, WaitMs));
            sending.Wait(WaitMs);
            Task answering = Task.Run(() => { accepted.Send(down); accepted.Close(); });
            Assert.Equal(down, RawPeer.ReceiveToEnd(client, WaitMs));
            Assert.True(answering.Wait(WaitMs));
            Assert.Equal(RelayEnding.Closed, SummaryOf(reporter).Ending);
        }

        [Fact]
        public void TlsIsTerminatedOnTheListenerAndOriginatedTowardsAValidatedTarget()
        {
            using Socket target = RawPeer.Listen();
            var relayTarget = RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target));
            relayTarget.Tls = new PSSocket.Tls.TlsClientOptions { ServerName = "localhost", TrustedCertificates = new X509Certificate2Collection(TestCertificates.CaPublic) };
            SocketSession listener = NewListener();
            listener.ServerTls = new PSSocket.Tls.TlsServerOptions(TestCertificates.Server);
            var reporter = new CollectingReporter();
            var server = new SocketServer(listener, new RelayHandler(new RelayOptions(relayTarget)), new ServerOptions()) { Reporter = reporter };
            server.Start();

            byte[] up = RawPeer.RandomBytes(200_000, seed: 7);
            byte[] down = RawPeer.RandomBytes(300_000, seed: 8);
            Task<byte[]> targetSide = Task.Run(() =>
            {
                using Socket accepted = target.Accept();
                using var tls = new SslStream(new NetworkStream(accepted));
                tls.AuthenticateAsServer(TestCertificates.Server);
                byte[] got = ReadAll(tls, up.Length);
                tls.Write(down);
                return got;
            });

            Socket raw = Connect(server);
            using var client = new SslStream(new NetworkStream(raw), false, (s, c, ch, e) => ((X509Certificate2)c!).Thumbprint == TestCertificates.Server.Thumbprint);
            client.AuthenticateAsClient("localhost");
            client.Write(up);
            Assert.Equal(down, ReadAll(client, down.Length));
            Assert.True(targetSide.Wait(WaitMs));
            Assert.Equal(up, targetSide.Result);
        }

        [Fact]
        public void ATargetCertificateThatDoesNotValidateIsAnUnreachableTarget()
        {
            using Socket target = RawPeer.Listen();
            var relayTarget = RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target));
            relayTarget.Tls = new PSSocket.Tls.TlsClientOptions { ServerName = "localhost" };
            (SocketServer server, CollectingReporter reporter) = ServeRelay(relayTarget);
            Task targetSide = Task.Run(() =>
            {
                using Socket accepted = target.Accept();
                using var tls = new SslStream(new NetworkStream(accepted));
                try
                {
                    tls.AuthenticateAsServer(TestCertificates.Server);
                }
                catch (Exception e) when (e is System.IO.IOException || e is System.Security.Authentication.AuthenticationException)
                {
                    // The relay rejects the certificate (its CA is not trusted) and drops the handshake.
                }
            });

            Socket client = Connect(server);
            Assert.Empty(RawPeer.ReceiveToEnd(client, WaitMs));
            Assert.True(targetSide.Wait(WaitMs));
            Assert.Equal(RelayEnding.TargetUnreachable, SummaryOf(reporter).Ending);
            Assert.Equal(ErrorIds.RelayTargetUnreachable, reporter.Errors.Single().ErrorId);
            Assert.StartsWith("Tls", ((SocketSessionException)reporter.Errors.Single().InnerException!).ErrorId, StringComparison.Ordinal);
        }

        [Fact]
        public void EveryChunkPassesThroughTheStagesInOrderAndTheyCompleteAtTheEnd()
        {
            using Socket target = RawPeer.Listen();
            var stages = new RecordingStageSource();
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target)), stages);
            Socket client = Connect(server);
            using Socket accepted = target.Accept();
            byte[] up = RawPeer.RandomBytes(100_000, seed: 9);
            client.Send(up);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(up, RawPeer.ReceiveToEnd(accepted, WaitMs));
            accepted.Shutdown(SocketShutdown.Send);
            Assert.Empty(RawPeer.ReceiveToEnd(client, WaitMs));
            SummaryOf(reporter);

            string[] upward = stages.Events.Where(e => e.StartsWith("ClientToTarget", StringComparison.Ordinal)).ToArray();
            Assert.Equal(up.Length, upward.Where(e => e.Contains(" first ") && !e.EndsWith("complete", StringComparison.Ordinal)).Sum(e => int.Parse(e.Split(' ')[2])));
            for (int i = 0; i < upward.Length - 2; i += 2)
            {
                Assert.Equal(upward[i].Replace("first", "second"), upward[i + 1]);
            }

            Assert.Equal(new[] { "ClientToTarget first complete", "ClientToTarget second complete" }, upward.Skip(upward.Length - 2));
            Assert.Equal(new[] { "TargetToClient first complete", "TargetToClient second complete" }, stages.Events.Where(e => e.StartsWith("TargetToClient", StringComparison.Ordinal)));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void AStagesAbortResetsOrClosesBothSides(bool reset)
        {
            using Socket target = RawPeer.Listen();
            var stages = new RecordingStageSource { AbortWithReset = reset };
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target)), stages);
            Socket client = Connect(server);
            using Socket accepted = target.Accept();
            client.Send(new byte[] { 1, 2, 3 });

            foreach (Socket side in new[] { client, accepted })
            {
                if (reset)
                {
                    SocketException e = Assert.Throws<SocketException>(() => RawPeer.ReceiveToEnd(side, WaitMs));
                    Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
                }
                else
                {
                    Assert.Empty(RawPeer.ReceiveToEnd(side, WaitMs));
                }
            }

            RelayConnectionSummary summary = SummaryOf(reporter);
            Assert.Equal(RelayEnding.Aborted, summary.Ending);
            Assert.Equal("the test's stage", summary.Reason);
            Assert.Equal(0, summary.BytesClientToTarget);
        }

        [Fact]
        public void AStageSourceThatRefusesNewConnectionsClosesEachClientWithoutConnectingToTheTarget()
        {
            using Socket target = RawPeer.Listen();
            var stages = new RecordingStageSource { RefusesNewConnections = true };
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target)), stages);
            Socket client = Connect(server);
            Assert.Empty(RawPeer.ReceiveToEnd(client, WaitMs));
            Assert.False(target.Poll(200_000, SelectMode.SelectRead));
            Assert.Empty(stages.Events);
            Assert.Equal(1, server.Statistics.Refused);
        }

        [Fact]
        public void StoppingTheRelayClosesBothSidesOfAnOpenConnectionAndSaysSo()
        {
            using Socket target = RawPeer.Listen();
            (SocketServer server, CollectingReporter reporter) = ServeRelay(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target)));
            Socket client = Connect(server);
            using Socket accepted = target.Accept();
            client.Send(new byte[] { 9, 8, 7 });
            var got = new byte[3];
            Assert.Equal(3, accepted.Receive(got));

            server.Stop();
            Assert.True(server.WaitForStop(WaitMs));
            Assert.Empty(RawPeer.ReceiveToEnd(accepted, WaitMs));
            Assert.Empty(RawPeer.ReceiveToEnd(client, WaitMs));
            RelayConnectionSummary summary = SummaryOf(reporter);
            Assert.Equal(RelayEnding.Stopped, summary.Ending);
            Assert.Equal(3, summary.BytesClientToTarget);
        }

        private (SocketServer, CollectingReporter) ServeRelay(RelayTarget target, IRelayStageSource? stages = null) =>
            Serve(new RelayHandler(new RelayOptions(target) { Stages = stages }), new ServerOptions());

        private RelayConnectionSummary SummaryOf(CollectingReporter reporter)
        {
            WaitUntil(() => reporter.Outputs.OfType<RelayConnectionSummary>().Any(), "the connection's summary");
            return reporter.Outputs.OfType<RelayConnectionSummary>().Single();
        }

        private static byte[] ReadAll(System.IO.Stream stream, int count)
        {
            var all = new byte[count];
            for (int got = 0; got < count;)
            {
                int n = stream.Read(all, got, count - got);
                Assert.NotEqual(0, n);
                got += n;
            }

            return all;
        }
    }
}
