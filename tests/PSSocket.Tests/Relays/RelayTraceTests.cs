using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Relays;
using Xunit;

namespace PSSocket.Tests.Relays
{
    /// <summary>The trace stage through the stage source: each direction's bytes as a hex dump, flushed on dispose.</summary>
    public sealed class RelayTraceTests : IDisposable
    {
        private readonly string _file = Path.Combine(Path.GetTempPath(), $"pssocket-trace-{Guid.NewGuid():N}.txt");

        public void Dispose() => File.Delete(_file);

        private static RelayFlow Flow(RelayDirection direction) =>
            new RelayFlow(3, new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 5000), direction, false);

        [Fact]
        public async Task BothDirectionsAreDumpedWithMarkerConnectionOffsetHexAndText()
        {
            var set = new RelayFaultSet();
            var up = new MemorySink();
            var down = new MemorySink();
            using (var source = new RelayStageSource(set, _file))
            {
                IRelayStage toTarget = source.StagesFor(Flow(RelayDirection.ClientToTarget)).Single();
                IRelayStage toClient = source.StagesFor(Flow(RelayDirection.TargetToClient)).Single();
                byte[] request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n");
                await toTarget.ForwardAsync(new ArraySegment<byte>(request), up, CancellationToken.None);
                await toClient.ForwardAsync(new ArraySegment<byte>(new byte[] { 0, 1, 0xFF }), down, CancellationToken.None);
                await toTarget.CompleteAsync(up, CancellationToken.None);
                Assert.Equal(request, up.Bytes);
            }

            string[] lines = File.ReadAllLines(_file);
            Assert.Contains(lines, l => l.StartsWith("> ") && l.Contains("connection 3 client->target 127.0.0.1:40000 -> 127.0.0.1:5000: 18 bytes at offset 0"));
            Assert.Contains("[0000]   47 45 54 20 2F 20 48 54  54 50 2F 31 2E 30 0D 0A   GET / HTTP/1.0..", lines);
            Assert.Contains("[0010]   0D 0A" + new string(' ', 1 + (3 * 14) + 1 + 2) + "..", lines);
            Assert.Contains(lines, l => l.StartsWith("< ") && l.Contains("connection 3 target->client 127.0.0.1:5000 -> 127.0.0.1:40000: 3 bytes at offset 0"));
            Assert.Contains(lines, l => l.StartsWith("[0000]   00 01 FF "));
            Assert.Contains(lines, l => l.Contains("end of stream after 18 bytes"));
        }

        [Fact]
        public async Task ACutByAFaultIsNotedInTheTraceAfterTheBytesThatPassed()
        {
            var set = new RelayFaultSet();
            set.Change(null, RelayFaultScope.NewConnections, f => f.ResetAfter = 4);
            var sink = new MemorySink();
            using (var source = new RelayStageSource(set, _file))
            {
                IRelayStage stage = source.StagesFor(Flow(RelayDirection.ClientToTarget)).Single();
                await stage.ForwardAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes("abcdefgh")), sink, CancellationToken.None);
            }

            Assert.Equal(Encoding.ASCII.GetBytes("abcd"), sink.Bytes);
            Assert.True(sink.AbortedWithReset);
            string text = File.ReadAllText(_file);
            Assert.Contains("61 62 63 64 ", text);
            Assert.DoesNotContain("65 ", text.Substring(text.IndexOf("61 62 63 64 ")));
            Assert.Contains("reset after 4 bytes", text);
        }
    }
}
