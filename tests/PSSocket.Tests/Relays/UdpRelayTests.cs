using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Relays;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Servers;
using Xunit;

namespace PSSocket.Tests.Relays
{
    /// <summary>The UDP relay engine: loopback clients, a UDP echo target, one association per client address.</summary>
    public sealed class UdpRelayTests : ServerEngineTestBase
    {
        private const int WaitMs = 20_000;

        public UdpRelayTests()
            : base(WaitMs)
        {
        }

        [Fact]
        public void TwoClientsDatagramsAreRelayedAndEachGetsOnlyItsOwnRepliesByteExact()
        {
            using var echo = new UdpEcho();
            (SocketServer server, CollectingReporter reporter, IPEndPoint relay) = ServeUdpRelay(echo.Port, idleMs: 10_000);
            using Socket a = Client();
            using Socket b = Client();
            var random = new Random(7);
            for (int i = 0; i < 20; i++)
            {
                byte[] fromA = Bytes(random, 1 + random.Next(1400));
                byte[] fromB = Bytes(random, 1 + random.Next(1400));
                a.SendTo(fromA, relay);
                b.SendTo(fromB, relay);
                Assert.Equal(fromA, ReceiveOne(a));
                Assert.Equal(fromB, ReceiveOne(b));
            }

            Assert.Equal(2, server.Statistics.Accepted);
            Assert.Equal(2, server.Statistics.Active);
            Assert.Equal(2, echo.Peers.Count); // one association socket per client
            server.Stop();
            Assert.True(server.WaitForStop(WaitMs));
            Assert.Empty(reporter.Errors);
        }

        [Fact]
        public void AnAssociationEndsAfterTheIdleTimeoutAndItsSummarySaysSo()
        {
            using var echo = new UdpEcho();
            (SocketServer server, CollectingReporter reporter, IPEndPoint relay) = ServeUdpRelay(echo.Port, idleMs: 300);
            using Socket a = Client();
            a.SendTo(new byte[] { 1, 2, 3, 4 }, relay);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, ReceiveOne(a));

            WaitUntil(() => reporter.Outputs.OfType<RelayConnectionSummary>().Any(), "the idle association's summary");
            RelayConnectionSummary summary = reporter.Outputs.OfType<RelayConnectionSummary>().Single();
            Assert.Equal(RelayEnding.Idle, summary.Ending);
            Assert.Equal(4, summary.BytesClientToTarget);
            Assert.Equal(4, summary.BytesTargetToClient);
            Assert.Equal(a.LocalEndPoint, summary.Client);
            Assert.Equal(0, server.Statistics.Active);

            // The same client again: a new association.
            a.SendTo(new byte[] { 5 }, relay);
            Assert.Equal(new byte[] { 5 }, ReceiveOne(a));
            Assert.Equal(2, server.Statistics.Accepted);
            server.Stop();
        }

        [Fact]
        public void ClosingTheListenerClosesTheAssociationsAndSaysStopped()
        {
            using var echo = new UdpEcho();
            (SocketServer server, CollectingReporter reporter, IPEndPoint relay) = ServeUdpRelay(echo.Port, idleMs: 60_000);
            using Socket a = Client();
            using Socket b = Client();
            a.SendTo(new byte[] { 1 }, relay);
            b.SendTo(new byte[] { 2, 2 }, relay);
            ReceiveOne(a);
            ReceiveOne(b);

            server.Listener.Close();
            Assert.True(server.WaitForStop(WaitMs));
            RelayConnectionSummary[] summaries = reporter.Outputs.OfType<RelayConnectionSummary>().ToArray();
            Assert.Equal(2, summaries.Length);
            Assert.All(summaries, s => Assert.Equal(RelayEnding.Stopped, s.Ending));
            Assert.Equal(0, server.Statistics.Active);
            Assert.Equal(3, server.Statistics.BytesReceived);
            Assert.Empty(reporter.Errors);
        }

        [Fact]
        public void MaxConnectionsRefusesTheNextClientAndTheAllowListFiltersAddresses()
        {
            using var echo = new UdpEcho();
            (SocketServer server, CollectingReporter reporter, IPEndPoint relay) = ServeUdpRelay(echo.Port, idleMs: 60_000, new ServerOptions { MaxConnections = 1 });
            using Socket a = Client();
            using Socket b = Client();
            a.SendTo(new byte[] { 1 }, relay);
            Assert.Equal(new byte[] { 1 }, ReceiveOne(a));
            b.SendTo(new byte[] { 2 }, relay);
            WaitUntil(() => server.Statistics.Refused == 1, "the second client refused");
            b.ReceiveTimeout = 300;
            Assert.Throws<SocketException>(() => b.Receive(new byte[16]));
            Assert.Equal(1, server.Statistics.Accepted);
            server.Stop();

            (SocketServer filtered, _, IPEndPoint relay2) = ServeUdpRelay(
                echo.Port, idleMs: 60_000, new ServerOptions { AllowedClients = ClientFilter.Parse(new[] { "10.0.0.0/8" }) });
            a.SendTo(new byte[] { 3 }, relay2);
            WaitUntil(() => filtered.Statistics.Refused == 1, "a client outside -AllowedClient refused");
            Assert.Equal(0, filtered.Statistics.Accepted);
            filtered.Stop();
        }

        [Fact]
        public void EachDatagramPassesThroughTheStagesWithDatagramFlows()
        {
            using var echo = new UdpEcho();
            var stages = new RecordingStageSource();
            (SocketServer server, CollectingReporter reporter, IPEndPoint relay) = ServeUdpRelay(echo.Port, idleMs: 300, stages: stages);
            using Socket a = Client();
            a.SendTo(new byte[10], relay);
            Assert.Equal(10, ReceiveOne(a).Length);
            WaitUntil(() => reporter.Outputs.OfType<RelayConnectionSummary>().Any(), "the summary");
            string[] events = stages.Events.ToArray();
            Assert.Equal(
                new[] { "ClientToTarget first 10", "ClientToTarget second 10", "TargetToClient first 10", "TargetToClient second 10" },
                events.Take(4).ToArray());
            Assert.Contains("ClientToTarget first complete", events);
            server.Stop();
        }

        private (SocketServer, CollectingReporter, IPEndPoint) ServeUdpRelay(int targetPort, int idleMs, ServerOptions? options = null, IRelayStageSource? stages = null)
        {
            var settings = new SocketSettings { Protocol = SocketProtocol.Udp, ServerReceives = true };
            SocketSession listener = TestSessions.CreateDatagramListener(settings, Registry, new IPEndPoint(IPAddress.Loopback, 0));
            var reporter = new CollectingReporter();
            var handler = new UdpRelayHandler(new RelayOptions(RelayTarget.HostPort("127.0.0.1", targetPort)) { Stages = stages }, idleMs);
            var server = new SocketServer(listener, handler, options ?? new ServerOptions()) { Reporter = reporter };
            server.Start();
            return (server, reporter, (IPEndPoint)listener.LocalEndPoint!);
        }

        private static Socket Client()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = WaitMs };
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }

        private static byte[] ReceiveOne(Socket socket)
        {
            var buffer = new byte[65_536];
            int n = socket.Receive(buffer);
            return buffer.Take(n).ToArray();
        }

        private static byte[] Bytes(Random random, int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }

        /// <summary>A UDP echo target on loopback; records the addresses it heard from.</summary>
        private sealed class UdpEcho : IDisposable
        {
            private readonly Socket _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

            public UdpEcho()
            {
                _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
                new Thread(Run) { IsBackground = true }.Start();
            }

            public int Port { get; }

            public System.Collections.Concurrent.ConcurrentDictionary<string, bool> Peers { get; } = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();

            public void Dispose() => _socket.Dispose();

            private void Run()
            {
                var buffer = new byte[65_536];
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                try
                {
                    while (true)
                    {
                        int n = _socket.ReceiveFrom(buffer, ref from);
                        Peers[from.ToString()!] = true;
                        _socket.SendTo(buffer, 0, n, SocketFlags.None, from);
                    }
                }
                catch (Exception)
                {
                    // Disposed.
                }
            }
        }
    }
}
