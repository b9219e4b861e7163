using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Streaming
{
    /// <summary>Every receive mode through the fault proxy: 1-byte pieces, delays, resets, closes and stalls after N bytes.</summary>
    public sealed class FaultProxyReceiveTests : CmdletTestBase
    {
        private const string Framed = "alpha\r\nbeta\nrec1;rec2;12345tail-bytes";

        /// <summary>A raw server that sends <paramref name="payload"/> to its first client and closes (or keeps the connection while the test runs).</summary>
        /// <param name="afterRequest">Answer only once the client has sent a byte, so a fault on the answer cannot race the connect.</param>
        private static (Socket listener, Task serving) Serve(string payload, bool close = true, bool afterRequest = false)
        {
            Socket listener = RawPeer.Listen();
            Task serving = Task.Run(() =>
            {
                using Socket client = listener.Accept();
                if (afterRequest)
                {
                    client.ReceiveTimeout = 15_000;
                    client.Receive(new byte[1]);
                }

                client.Send(Encoding.UTF8.GetBytes(payload));
                if (close)
                {
                    client.Shutdown(SocketShutdown.Send);
                }

                client.ReceiveTimeout = 15_000;
                try
                {
                    while (client.Receive(new byte[256]) > 0)
                    {
                    }
                }
                catch (SocketException)
                {
                    // The proxy reset or the test ended.
                }
            });
            return (listener, serving);
        }

        public static TheoryData<int> PieceDelays => new TheoryData<int> { 0, 2 };

        [Theory]
        [MemberData(nameof(PieceDelays))]
        public void CountLineDelimiterAvailableAndToEndAreByteExactInOneBytePieces(int delayMs)
        {
            (Socket listener, _) = Serve(Framed);
            using (listener)
            using (var proxy = new FaultProxy(RawPeer.PortOf(listener), FaultRule.Pieces(delayMs), FaultRule.Pieces(delayMs)))
            {
                ScriptResult result = PS.Run(
                    $"$s = Connect-Socket 127.0.0.1 {proxy.Port} -Timeout 5000; " +
                    "$s | Receive-SocketData -Line -Timeout 5000; $s | Receive-SocketData -Line -Timeout 5000; " +
                    "$s | Receive-SocketData -Delimiter ';' -Timeout 5000; $s | Receive-SocketData -Delimiter ';' -Timeout 5000; " +
                    "$s | Receive-SocketData -Count 5 -Timeout 5000; " +
                    "$first = $s | Receive-SocketData -Timeout 5000; $first + ($s | Receive-SocketData -ToEnd -Timeout 5000)").ThrowOnError();
                Assert.Equal(new object[] { "alpha", "beta", "rec1", "rec2", "12345", "tail-bytes" }, result.Output.Select(o => o.BaseObject));
            }
        }

        [Fact]
        public void StreamedLinesAreByteExactInOneBytePieces()
        {
            (Socket listener, _) = Serve("l1\nl2\r\nl3\n");
            using (listener)
            using (var proxy = new FaultProxy(RawPeer.PortOf(listener), toClient: FaultRule.Pieces(1)))
            {
                ScriptResult result = PS.Run(
                    $"Connect-Socket 127.0.0.1 {proxy.Port} -Timeout 5000 | Receive-SocketData -Line -Stream -Timeout 5000 | ForEach-Object {{ \"<$_>\" }}").ThrowOnError();
                Assert.Equal(new[] { "<l1>", "<l2>", "<l3>" }, result.All<string>());
            }
        }

        [Fact]
        public void AResetAfterSevenBytesRaisesConnectionResetAndKeepsTheSeven()
        {
            (Socket listener, _) = Serve("partial and then more\n", close: false, afterRequest: true);
            using (listener)
            using (var proxy = new FaultProxy(RawPeer.PortOf(listener), toClient: FaultRule.Reset(7)))
            {
                ScriptResult result = PS.Run(
                    $"$s = Connect-Socket 127.0.0.1 {proxy.Port} -Timeout 5000; $s | Send-SocketData -Data 'go'; $s | Receive-SocketData -Line -Timeout 5000; $s.BytesBuffered");
                Assert.Equal(new[] { "ConnectionReset" }, result.ErrorIds);
                Assert.Equal(7, result.Output.Single().BaseObject);
            }
        }

        [Fact]
        public void ACloseAfterFortyBytesEndsToEndWithExactlyThoseBytes()
        {
            string payload = new string('x', 40) + new string('y', 60);
            (Socket listener, _) = Serve(payload, close: false);
            using (listener)
            using (var proxy = new FaultProxy(RawPeer.PortOf(listener), toClient: FaultRule.Close(40)))
            {
                ScriptResult result = PS.Run($"Connect-Socket 127.0.0.1 {proxy.Port} -Timeout 5000 | Receive-SocketData -ToEnd -Timeout 5000").ThrowOnError();
                Assert.Equal(new string('x', 40), result.Single<string>());
            }
        }

        [Fact]
        public void AStallAfterTwoBytesTimesOutTheLineAndKeepsTheTwo()
        {
            (Socket listener, _) = Serve("abcdef\n", close: false);
            using (listener)
            using (var proxy = new FaultProxy(RawPeer.PortOf(listener), toClient: FaultRule.Stall(2)))
            {
                ScriptResult result = PS.Run($"$s = Connect-Socket 127.0.0.1 {proxy.Port} -Timeout 5000; $s | Receive-SocketData -Line -Timeout 2000; $s.BytesBuffered");
                Assert.Equal(new[] { "ReceiveTimedOut" }, result.ErrorIds);
                Assert.Equal(2, result.Output.Single().BaseObject);
            }
        }
    }
}
