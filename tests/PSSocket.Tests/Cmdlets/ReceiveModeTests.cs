using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Every receive mode through the cmdlets, with a raw peer sending the data in pieces.</summary>
    public class ReceiveModeTests : CmdletTestBase
    {
        private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

        private ScriptResult ReceiveWhileSending(Socket server, string script, params string[] pieces)
        {
            Task sending = Task.Run(() => RawPeer.SendInPieces(server, pieces.Select(B)));
            ScriptResult result = PS.Run(script);
            sending.Wait();
            return result.ThrowOnError();
        }

        [Fact]
        public void LinesSplitAcrossPiecesWithLfAndCrLf()
        {
            using Socket server = ConnectClientToRawServer();
            ScriptResult result = ReceiveWhileSending(
                server,
                "1..3 | ForEach-Object { $client | Receive-SocketData -Line -Timeout 5000 }",
                "fir", "st\r", "\nsec", "ond\nth", "ird\r\n");
            Assert.Equal(new[] { "first", "second", "third" }, result.All<string>());
        }

        [Fact]
        public void DelimiterAcrossPieces()
        {
            using Socket server = ConnectClientToRawServer();
            ScriptResult result = ReceiveWhileSending(
                server,
                "1..3 | ForEach-Object { $client | Receive-SocketData -Delimiter '<END>' -Timeout 5000 }",
                "alpha<E", "ND>beta<", "END><END>");
            Assert.Equal(new[] { "alpha", "beta", "" }, result.All<string>());
        }

        [Fact]
        public async Task ExactCountAcrossPiecesByteForByte()
        {
            using Socket server = ConnectClientToRawServer();
            byte[] data = RawPeer.RandomBytes(10_000, seed: 3);
            Task sending = Task.Run(() => RawPeer.SendInPieces(server, new[] { data.Take(1).ToArray(), data.Skip(1).Take(4999).ToArray(), data.Skip(5000).ToArray() }));
            ScriptResult result = PS.Run("$client | Receive-SocketData -Count 7000 -AsByteArray -Timeout 5000; $client | Receive-SocketData -Count 3000 -AsByteArray -Timeout 5000");
            await sending;
            result.ThrowOnError();
            Assert.Equal(2, result.Output.Count);
            Assert.Equal(data, result.All<byte[]>().SelectMany(b => b).ToArray());
        }

        [Fact]
        public async Task ToEndReadsUntilThePeerCloses()
        {
            using Socket server = ConnectClientToRawServer();
            Task sending = Task.Run(() =>
            {
                RawPeer.SendInPieces(server, new[] { B("one "), B("two "), B("three") });
                server.Shutdown(SocketShutdown.Send);
            });
            ScriptResult result = PS.Run("$client | Receive-SocketData -ToEnd -Timeout 5000; $client.RemoteClosed");
            await sending;
            result.ThrowOnError();
            Assert.Equal("one two three", result.Output[0].BaseObject);
            Assert.Equal(true, result.Output[1].BaseObject);
        }

        [Fact]
        public void NoModeReturnsWhatArrivesFirstAndThenNothingAtEnd()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(B("first piece"));
            ScriptResult first = PS.Run("$client | Receive-SocketData -Timeout 5000").ThrowOnError();
            Assert.Equal("first piece", first.Single<string>());

            server.Shutdown(SocketShutdown.Send);
            ScriptResult atEnd = PS.Run("$client | Receive-SocketData -Timeout 5000 -Verbose").ThrowOnError();
            Assert.Empty(atEnd.Output);
            Assert.Contains(atEnd.Verbose, v => v.Message.Contains("closed the connection"));
        }

        [Fact]
        public void ByteArrayIsOneObjectNotEnumerated()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(new byte[] { 0, 1, 2, 255 });
            ScriptResult result = PS.Run("$r = $client | Receive-SocketData -Count 4 -AsByteArray; $r.GetType().FullName; $r.Length; @($client | Receive-SocketData -Count 1 -AsByteArray -Timeout 10 -ErrorAction SilentlyContinue).Count");
            Assert.Equal(new object[] { "System.Byte[]", 4, 0 }, result.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void ALineReadLeavesTheRestForTheNextCall()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(B("HTTP/1.0 200 OK\r\nbody-bytes"));
            ScriptResult result = PS.Run(@"
$client | Receive-SocketData -Line -Timeout 5000
$client.BytesBuffered
$client | Receive-SocketData -Count 10 -Timeout 5000").ThrowOnError();
            Assert.Equal(new object[] { "HTTP/1.0 200 OK", 10, "body-bytes" }, result.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void TextDecodingUsesTheSessionOrGivenEncoding()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(Encoding.Unicode.GetBytes("héllo\n"));
            server.Send(Encoding.Latin1.GetBytes("café;"));
            ScriptResult result = PS.Run(@"
$client | Receive-SocketData -Line -Encoding unicode -Timeout 5000
$client | Receive-SocketData -Delimiter ';' -Encoding latin1 -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "héllo", "café" }, result.All<string>());
        }

        [Fact]
        public void MultiByteCharactersSplitAcrossPiecesArriveWhole()
        {
            using Socket server = ConnectClientToRawServer();
            byte[] text = B("ab€");
            server.Send(text.Take(3).ToArray());
            ScriptResult first = PS.Run("$client | Receive-SocketData -Timeout 5000").ThrowOnError();
            server.Send(text.Skip(3).ToArray());
            ScriptResult second = PS.Run("$client | Receive-SocketData -Timeout 5000").ThrowOnError();
            Assert.Equal("ab", first.Single<string>());
            Assert.Equal("€", second.Single<string>());
        }
    }
}
