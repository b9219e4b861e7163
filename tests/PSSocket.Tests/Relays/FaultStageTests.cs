using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Relays;
using Xunit;

namespace PSSocket.Tests.Relays
{
    /// <summary>Each fault on one flow against an in-memory sink: bytes and counts exact, times only as lower bounds.</summary>
    public sealed class FaultStageTests
    {
        private static readonly byte[] Hello = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();

        private static RelayFlow Flow(int id = 1, RelayDirection direction = RelayDirection.ClientToTarget, bool datagrams = false) =>
            new RelayFlow(id, new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 5000), direction, datagrams);

        private static Task Forward(IRelayStage stage, byte[] bytes, IRelaySink sink) =>
            stage.ForwardAsync(new ArraySegment<byte>(bytes), sink, CancellationToken.None);

        [Fact]
        public async Task WithoutFaultsEveryChunkPassesWholeAndAtOnce()
        {
            var sink = new MemorySink();
            var stage = new FaultStage(new RelayFaultSet(), Flow());
            await Forward(stage, Hello, sink);
            Assert.Single(sink.Writes);
            Assert.Equal(Hello, sink.Bytes);
            Assert.Null(sink.AbortedWithReset);
        }

        [Fact]
        public async Task LatencyDelaysEachChunkInItsDirectionOnly()
        {
            var set = new RelayFaultSet();
            set.Change(RelayDirection.ClientToTarget, RelayFaultScope.NewConnections, f => f.Latency = TimeSpan.FromMilliseconds(200));
            var sink = new MemorySink();
            var clock = Stopwatch.StartNew();
            await Forward(new FaultStage(set, Flow()), Hello, sink);
            Assert.True(clock.ElapsedMilliseconds >= 190, $"{clock.ElapsedMilliseconds} ms");
            Assert.Equal(Hello, sink.Bytes);
            Assert.Equal(TimeSpan.Zero, set.TargetToClient.Latency);
        }

        [Fact]
        public async Task SplitHandsAWriteOnInPiecesOfTheSize()
        {
            var set = new RelayFaultSet();
            set.Change(null, RelayFaultScope.NewConnections, f => f.SplitSize = 7);
            var sink = new MemorySink();
            await Forward(new FaultStage(set, Flow()), Hello, sink);
            Assert.Equal(29, sink.Writes.Count);
            Assert.All(sink.Writes.Take(28), w => Assert.Equal(7, w.Length));
            Assert.Equal(Hello, sink.Bytes);
        }

        [Fact]
        public async Task BandwidthMakesBytesTakeAtLeastTheirTime()
        {
            var set = new RelayFaultSet();
            set.Change(null, RelayFaultScope.NewConnections, f => f.BytesPerSecond = 1000);
            var sink = new MemorySink();
            var clock = Stopwatch.StartNew();
            await Forward(new FaultStage(set, Flow()), Hello.Concat(Hello).Concat(Hello).ToArray(), sink);
            Assert.True(clock.ElapsedMilliseconds >= 550, $"600 bytes at 1000 B/s took {clock.ElapsedMilliseconds} ms");
            Assert.Equal(600, sink.Bytes.Length);
            Assert.All(sink.Writes, w => Assert.True(w.Length <= 100));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task ResetOrCloseAfterNBytesHandsOnExactlyNThenEndsTheConnection(bool reset)
        {
            var set = new RelayFaultSet();
            set.Change(null, RelayFaultScope.NewConnections, f =>
            {
                if (reset) f.ResetAfter = 250; else f.CloseAfter = 250;
            });
            var sink = new MemorySink();
            var stage = new FaultStage(set, Flow());
            await Forward(stage, Hello, sink);
            Assert.Null(sink.AbortedWithReset);
            await Forward(stage, Hello, sink);
            Assert.Equal(reset, sink.AbortedWithReset);
            Assert.Equal(250, sink.Bytes.Length);
            Assert.Equal(Hello.Concat(Hello.Take(50)), sink.Bytes);
            Assert.Contains("after 250 bytes", sink.AbortReason);
        }

        [Fact]
        public async Task AStallHoldsTheChunkUntilItIsLiftedForAllConnections()
        {
            var set = new RelayFaultSet();
            var sink = new MemorySink();
            var stage = new FaultStage(set, Flow());
            set.Change(null, RelayFaultScope.AllConnections, f => f.Stalled = true);
            Task held = Forward(stage, Hello, sink);
            await Task.Delay(300);
            Assert.False(held.IsCompleted);
            Assert.Empty(sink.Writes);
            set.Clear(RelayFaultScope.AllConnections);
            await held.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(Hello, sink.Bytes);
        }

        [Fact]
        public async Task ATimedStallEndsByItself()
        {
            var set = new RelayFaultSet();
            set.Change(null, RelayFaultScope.NewConnections, f => f.StalledUntil = DateTime.UtcNow.AddMilliseconds(300));
            var sink = new MemorySink();
            var clock = Stopwatch.StartNew();
            await Forward(new FaultStage(set, Flow()), Hello, sink).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(clock.ElapsedMilliseconds >= 250, $"{clock.ElapsedMilliseconds} ms");
            Assert.Equal(Hello, sink.Bytes);
        }

        [Fact]
        public async Task AChangeForNewConnectionsLeavesOpenFlowsAndOneForAllReachesThemAtTheNextChunk()
        {
            var set = new RelayFaultSet();
            var sink = new MemorySink();
            var open = new FaultStage(set, Flow(1));
            set.Change(null, RelayFaultScope.NewConnections, f => f.SplitSize = 50);
            await Forward(open, Hello, sink);
            Assert.Single(sink.Writes);

            var later = new MemorySink();
            await Forward(new FaultStage(set, Flow(2)), Hello, later);
            Assert.Equal(4, later.Writes.Count);

            set.Change(null, RelayFaultScope.AllConnections, f => f.SplitSize = 100);
            await Forward(open, Hello, sink);
            Assert.Equal(3, sink.Writes.Count);
        }

        [Fact]
        public async Task DatagramDropAllThenNoneAndNeverSplit()
        {
            var set = new RelayFaultSet(seed: 7);
            set.Change(null, RelayFaultScope.AllConnections, f => { f.DropRate = 1; f.SplitSize = 1; });
            var sink = new MemorySink();
            var stage = new FaultStage(set, Flow(datagrams: true));
            for (int i = 0; i < 10; i++)
            {
                await Forward(stage, Hello, sink);
            }

            Assert.Empty(sink.Writes);
            Assert.Equal(10, stage.Dropped);
            set.Change(null, RelayFaultScope.AllConnections, f => f.DropRate = 0);
            await Forward(stage, Hello, sink);
            Assert.Single(sink.Writes);
            Assert.Equal(Hello, sink.Writes[0]);
        }

        [Fact]
        public async Task ReorderingSendsAHeldDatagramAfterTheNextOneAndTheSameSeedRepeats()
        {
            string Run()
            {
                var set = new RelayFaultSet(seed: 42);
                set.Change(null, RelayFaultScope.NewConnections, f => { f.ReorderRate = 0.5; f.DropRate = 0.2; });
                var sink = new MemorySink();
                var stage = new FaultStage(set, Flow(datagrams: true));
                for (byte i = 0; i < 50; i++)
                {
                    Forward(stage, new[] { i }, sink).GetAwaiter().GetResult();
                }

                stage.CompleteAsync(sink, CancellationToken.None).GetAwaiter().GetResult();
                return string.Join(",", sink.Writes.Select(w => w[0]));
            }

            string first = Run();
            Assert.Equal(first, Run());
            byte[] order = first.Split(',').Select(byte.Parse).ToArray();
            Assert.NotEqual(order.OrderBy(b => b), order);
            Assert.Equal(order.Length, order.Distinct().Count());
            Assert.True(order.Length < 50 && order.Length > 0);
            await Task.CompletedTask;
        }

        [Fact]
        public void RefusingNewConnectionsIsSeenByTheStageSource()
        {
            var set = new RelayFaultSet();
            using var source = new RelayStageSource(set, null);
            Assert.False(source.RefusesNewConnections);
            set.SetRefusesNewConnections(true);
            Assert.True(source.RefusesNewConnections);
            set.Clear(RelayFaultScope.AllConnections);
            Assert.False(source.RefusesNewConnections);
        }
    }
}
