using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PSSocket.Relays;
using PSSocket.Servers;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Servers;
using Xunit;

namespace PSSocket.Tests.Relays
{
    /// <summary>Faults and the trace through a real loopback relay: bytes and endings exact, no timing asserted.</summary>
    public sealed class RelayFaultTests : ServerEngineTestBase
    {
        private const int WaitMs = 20_000;

        public RelayFaultTests()
            : base(WaitMs)
        {
        }

        [Fact]
        public void AResetSetWhileTheConnectionRunsPassesExactlyNBytesThenResetsBothPeers()
        {
            var faults = new RelayFaultSet();
            using Socket target = RawPeer.Listen();
            (SocketServer server, CollectingReporter reporter) = ServeRelay(target, new RelayStageSource(faults, null));
            Socket client = Connect(server);
            using Socket accepted = target.Accept();
            RoundTrip(client, accepted);

            faults.Change(RelayDirection.ClientToTarget, RelayFaultScope.AllConnections, f => f.ResetAfter = 1000);
            client.Send(RawPeer.RandomBytes(5000, seed: 1));
            var received = new MemoryStream();
            var buffer = new byte[8192];
            accepted.ReceiveTimeout = WaitMs;
            Action readToTheReset = () =>
            {
                while (true)
                {
                    int n = accepted.Receive(buffer);
                    Assert.NotEqual(0, n);
                    received.Write(buffer, 0, n);
                }
            };
            var error = Assert.Throws<SocketException>(readToTheReset);
            Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
            Assert.Equal(RawPeer.RandomBytes(5000, seed: 1).Take(1000 - 1).ToArray(), received.ToArray()); // the round trip's byte counts too
            RelayConnectionSummary summary = Summary(reporter);
            Assert.Equal(RelayEnding.Aborted, summary.Ending);
            Assert.Equal(1000, summary.BytesClientToTarget);
        }

        [Fact]
        public void AStallHoldsTheBytesUntilClearedAndThenEveryByteArrives()
        {
            var faults = new RelayFaultSet();
            using Socket target = RawPeer.Listen();
            (SocketServer server, _) = ServeRelay(target, new RelayStageSource(faults, null));
            Socket client = Connect(server);
            using Socket accepted = target.Accept();
            RoundTrip(client, accepted);

            faults.Change(null, RelayFaultScope.AllConnections, f => f.Stalled = true);
            byte[] payload = RawPeer.RandomBytes(200_000, seed: 2);
            Task sending = Task.Run(() => { client.Send(payload); client.Shutdown(SocketShutdown.Send); });
            Assert.False(accepted.Poll(500_000, SelectMode.SelectRead), "bytes passed a stalled relay");
            faults.Clear(RelayFaultScope.AllConnections);
            Assert.Equal(payload, RawPeer.ReceiveToEnd(accepted, WaitMs));
            Assert.True(sending.Wait(WaitMs));
        }

        [Fact]
        public void SplitWritesAndTheTraceCarryEveryByteAndTheTraceCountsThemPerDirection()
        {
            string file = Path.Combine(Path.GetTempPath(), $"pssocket-relay-trace-{Guid.NewGuid():N}.txt");
            try
            {
                var faults = new RelayFaultSet();
                faults.Change(RelayDirection.TargetToClient, RelayFaultScope.NewConnections, f => f.SplitSize = 1000);
                using Socket target = RawPeer.Listen();
                var stages = new RelayStageSource(faults, file);
                (SocketServer server, CollectingReporter reporter) = ServeRelay(target, stages);
                Socket client = Connect(server);
                using Socket accepted = target.Accept();
                byte[] up = RawPeer.RandomBytes(50_000, seed: 3);
                byte[] down = RawPeer.RandomBytes(30_000, seed: 4);
                Task sending = Task.Run(() => { client.Send(up); client.Shutdown(SocketShutdown.Send); });
                Assert.Equal(up, RawPeer.ReceiveToEnd(accepted, WaitMs));
                accepted.Send(down);
                accepted.Shutdown(SocketShutdown.Send);
                Assert.Equal(down, RawPeer.ReceiveToEnd(client, WaitMs));
                Assert.True(sending.Wait(WaitMs));
                Summary(reporter);
                server.Stop();
                stages.Dispose();

                string[] lines = File.ReadAllLines(file);
                long Sum(string marker) => lines.Where(l => l.StartsWith(marker, StringComparison.Ordinal))
                    .Select(l => Regex.Match(l, @": (\d+) bytes at offset")).Where(m => m.Success).Sum(m => long.Parse(m.Groups[1].Value));
                Assert.Equal(up.Length, Sum("> "));
                Assert.Equal(down.Length, Sum("< "));
                Assert.Equal(30, lines.Count(l => l.StartsWith("< ", StringComparison.Ordinal) && l.Contains(": 1000 bytes at offset")));
            }
            finally
            {
                File.Delete(file);
            }
        }

        [Fact]
        public void ARefusingRelayClosesNewClientsWithoutReachingTheTarget()
        {
            var faults = new RelayFaultSet();
            faults.SetRefusesNewConnections(true);
            using Socket target = RawPeer.Listen();
            (SocketServer server, _) = ServeRelay(target, new RelayStageSource(faults, null));
            Socket client = Connect(server);
            Assert.Empty(RawPeer.ReceiveToEnd(client, WaitMs));
            Assert.False(target.Poll(300_000, SelectMode.SelectRead), "the refused client reached the target");
        }

        /// <summary>One byte each way: after it the relay has made the connection's flows.</summary>
        private static void RoundTrip(Socket client, Socket accepted)
        {
            client.Send(new byte[] { 1 });
            var one = new byte[1];
            accepted.ReceiveTimeout = WaitMs;
            Assert.Equal(1, accepted.Receive(one));
        }

        private (SocketServer, CollectingReporter) ServeRelay(Socket target, IRelayStageSource stages) =>
            Serve(new RelayHandler(new RelayOptions(RelayTarget.HostPort("127.0.0.1", RawPeer.PortOf(target))) { Stages = stages }), new ServerOptions());

        private RelayConnectionSummary Summary(CollectingReporter reporter)
        {
            WaitUntil(() => reporter.Outputs.OfType<RelayConnectionSummary>().Any(), "the connection's summary");
            return reporter.Outputs.OfType<RelayConnectionSummary>().Single();
        }
    }
}
