using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;
using PSSocket.Transports;
using Xunit;

namespace PSSocket.Tests.Engine
{
    public class SessionReceiverTests
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly ScriptedSource _source = new ScriptedSource();
        private readonly SessionCounters _counters = new SessionCounters();
        private readonly SessionReceiver _receiver;

        public SessionReceiverTests()
        {
            _receiver = new SessionReceiver(_source, _counters.AddReceived, "owner");
        }

        private static Deadline Soon => Deadline.After(5000);

        private static byte[] B(string text) => Utf8.GetBytes(text);

        private static string S(byte[]? bytes) => bytes == null ? "<null>" : Utf8.GetString(bytes);

        private byte[]? Line() => _receiver.ReceiveUntil(B("\n"), B("\r"), Soon, CancellationToken.None);

        [Fact]
        public void LineSplitAcrossChunksWithCrLfSplitBetweenCrAndLf()
        {
            _source.Deliver(B("he"));
            _source.Deliver(B("llo\r"));
            _source.Deliver(B("\nwor"));
            _source.Deliver(B("ld\n"));
            Assert.Equal("hello", S(Line()));
            Assert.Equal("world", S(Line()));
            Assert.Equal(0, _receiver.Buffered);
        }

        [Fact]
        public void LineKeepsTheBytesAfterTheNewlineBuffered()
        {
            _source.Deliver(B("one\ntwo\r\nthree"));
            Assert.Equal("one", S(Line()));
            Assert.Equal(10, _receiver.Buffered);
            Assert.Equal("two", S(Line()));
            Assert.Equal("three", S(_receiver.ReceiveExactly(5, Soon, CancellationToken.None)));
        }

        [Fact]
        public void LoneCarriageReturnInsideALineIsKept()
        {
            _source.Deliver(B("a\rb\n"));
            Assert.Equal("a\rb", S(Line()));
        }

        [Fact]
        public void UnterminatedLastLineIsReturnedAtEndOfStreamThenNull()
        {
            _source.Deliver(B("last"));
            _source.EndStream();
            Assert.Equal("last", S(Line()));
            Assert.Null(Line());
            Assert.True(_receiver.EndOfStream);
        }

        [Fact]
        public void Utf16LineEndsMatchOnlyOnCharacterBoundaries()
        {
            var utf16 = new UnicodeEncoding(false, false);
            // U+0A41 U+4100 encode as 41 0A 00 41: a misaligned search would see 0A 00 (a UTF-16 line feed) inside.
            _source.Deliver(utf16.GetBytes("\u0A41\u4100\r\nnext\n"));
            byte[]? line = _receiver.ReceiveUntil(utf16.GetBytes("\n"), utf16.GetBytes("\r"), Soon, CancellationToken.None, alignment: 2);
            Assert.Equal("\u0A41\u4100", utf16.GetString(line!));
            Assert.Equal("next", utf16.GetString(_receiver.ReceiveUntil(utf16.GetBytes("\n"), null, Soon, CancellationToken.None, alignment: 2)!));
        }

        [Fact]
        public void DelimiterSplitAcrossChunks()
        {
            _source.Deliver(B("a|"));
            _source.Deliver(B("|b|"));
            _source.Deliver(B("|c"));
            _source.EndStream();
            byte[] delimiter = B("||");
            Assert.Equal("a", S(_receiver.ReceiveUntil(delimiter, null, Soon, CancellationToken.None)));
            Assert.Equal("b", S(_receiver.ReceiveUntil(delimiter, null, Soon, CancellationToken.None)));
            Assert.Equal("c", S(_receiver.ReceiveUntil(delimiter, null, Soon, CancellationToken.None)));
        }

        [Fact]
        public void ExactCountAssemblesPiecesAndLeavesTheRest()
        {
            _source.Deliver(new byte[] { 1, 2 });
            _source.Deliver(new byte[] { 3 });
            _source.Deliver(new byte[] { 4, 5, 6 });
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, _receiver.ReceiveExactly(5, Soon, CancellationToken.None));
            Assert.Equal(1, _receiver.Buffered);
            Assert.Equal(6L, _counters.BytesReceived);
        }

        [Fact]
        public void ExactCountAtEndOfStreamFailsAndKeepsTheShortRemainder()
        {
            _source.Deliver(B("abc"));
            _source.EndStream();
            var error = Assert.Throws<SocketSessionException>(() => _receiver.ReceiveExactly(10, Soon, CancellationToken.None));
            Assert.Equal(ErrorIds.EndOfStream, error.ErrorId);
            Assert.Contains("3 of the 10 bytes", error.Message);
            Assert.Equal("abc", S(_receiver.ReceiveAvailable(null, Soon, CancellationToken.None)));
        }

        [Fact]
        public void ToEndCollectsEverything()
        {
            _source.Deliver(B("x"));
            _source.Deliver(B("yz"));
            _source.EndStream();
            Assert.Equal("xyz", S(_receiver.ReceiveToEnd(Soon, CancellationToken.None)));
            Assert.Empty(_receiver.ReceiveToEnd(Soon, CancellationToken.None));
        }

        [Fact]
        public void AvailableReturnsWhatIsThereThenNullAtEnd()
        {
            _source.Deliver(B("first"));
            Assert.Equal("first", S(_receiver.ReceiveAvailable(null, Soon, CancellationToken.None)));
            _source.EndStream();
            Assert.Null(_receiver.ReceiveAvailable(null, Soon, CancellationToken.None));
        }

        [Fact]
        public void AvailableTextNeverSplitsAMultiByteCharacter()
        {
            byte[] euro = B("€"); // three bytes
            _source.Deliver(new[] { (byte)'a', euro[0], euro[1] });
            Assert.Equal("a", S(_receiver.ReceiveAvailable(Utf8, Soon, CancellationToken.None)));
            _source.Deliver(new[] { euro[2], (byte)'b' });
            Assert.Equal("€b", S(_receiver.ReceiveAvailable(Utf8, Soon, CancellationToken.None)));
        }

        [Fact]
        public void TimeoutKeepsThePendingReadAndTheNextCallGetsItsBytes()
        {
            var error = Assert.Throws<SocketSessionException>(() => _receiver.ReceiveAvailable(null, Deadline.After(50), CancellationToken.None));
            Assert.Equal(ErrorIds.ReceiveTimedOut, error.ErrorId);
            _source.Deliver(B("late"));
            Assert.Equal("late", S(_receiver.ReceiveAvailable(null, Soon, CancellationToken.None)));
            Assert.Equal(1, _source.ReadsStarted);
        }

        [Fact]
        public void CancellationKeepsPartialLineAndThePendingRead()
        {
            _source.Deliver(B("par"));
            using var cancel = new CancellationTokenSource(100);
            Assert.ThrowsAny<OperationCanceledException>(() => _receiver.ReceiveUntil(B("\n"), null, Deadline.After(-1), cancel.Token));
            _source.Deliver(B("tial\nnext"));
            Assert.Equal("partial", S(Line()));
            Assert.Equal("next", S(_receiver.ReceiveAvailable(null, Soon, CancellationToken.None)));
        }

        [Fact]
        public void LargeRecordsGrowTheBufferWithoutLosingBytes()
        {
            byte[] big = Enumerable.Range(0, 300_000).Select(i => (byte)('a' + (i % 26))).ToArray();
            for (int offset = 0; offset < big.Length; offset += 10_000)
            {
                _source.Deliver(big.Skip(offset).Take(10_000).ToArray());
            }

            _source.Deliver(B("\n"));
            Assert.Equal(big, Line());
        }

        [Fact]
        public async Task ReadsRunOnTheBackgroundWhenNothingIsReady()
        {
            Task<byte[]?> reading = Task.Run(() => _receiver.ReceiveAvailable(null, Soon, CancellationToken.None));
            SpinWait.SpinUntil(() => _source.ReadsStarted == 1, 2000);
            _source.Deliver(B("async"));
            Assert.Equal("async", S(await reading));
        }
    }
}
