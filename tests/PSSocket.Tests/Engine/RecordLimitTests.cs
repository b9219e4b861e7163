using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>A line, record or -ToEnd longer than its limit raises its id, stops reading and keeps every byte.</summary>
    public class RecordLimitTests : ScriptedReceiverBase
    {
        private static Deadline Soon => Deadline.After(5000);

        private byte[]? Line(int maxLength) =>
            Receiver.ReceiveUntil(new byte[] { 10 }, new byte[] { 13 }, Soon, CancellationToken.None, maxLength: maxLength);

        [Fact]
        public void AnUnterminatedLineStopsReadingAtTheLimitAndKeepsItsBytes()
        {
            for (int i = 0; i < 10; i++)
            {
                Source.Deliver(Enumerable.Repeat((byte)'x', 10_000).ToArray());
            }

            var error = Assert.Throws<SocketSessionException>(() => Line(15_000));
            Assert.Equal(ErrorIds.RecordTooLong, error.ErrorId);
            Assert.Equal(20_000, Receiver.Buffered);
            Assert.Equal(ErrorIds.RecordTooLong, Assert.Throws<SocketSessionException>(() => Line(15_000)).ErrorId);
            Assert.Equal(20_000, Receiver.Buffered);

            Source.Deliver(Encoding.ASCII.GetBytes("\n"));
            Assert.Equal(100_000, Line(200_000)!.Length);
        }

        [Fact]
        public void ARecordThatArrivesWholeButTooLongIsRefusedAndKept()
        {
            Source.Deliver(Encoding.ASCII.GetBytes("0123456789<END>next<END>"));
            var error = Assert.Throws<SocketSessionException>(() =>
                Receiver.ReceiveUntil(Encoding.ASCII.GetBytes("<END>"), null, Soon, CancellationToken.None, maxLength: 9));
            Assert.Equal(ErrorIds.RecordTooLong, error.ErrorId);
            Assert.Equal(24, Receiver.Buffered);
            Assert.Equal("0123456789", Encoding.ASCII.GetString(Receiver.ReceiveUntil(Encoding.ASCII.GetBytes("<END>"), null, Soon, CancellationToken.None, maxLength: 10)!));
        }

        [Fact]
        public void ALineOfExactlyTheLimitWithCrLfIsReturned()
        {
            Source.Deliver(Encoding.ASCII.GetBytes("abcd\r"));
            Source.Deliver(Encoding.ASCII.GetBytes("\n"));
            Assert.Equal("abcd", Encoding.ASCII.GetString(Line(4)!));
        }

        [Fact]
        public void ToEndBeyondItsLimitLeavesTheBytesForACopyToAFile()
        {
            Source.Deliver(Enumerable.Repeat((byte)'y', 3000).ToArray());
            Source.Deliver(Enumerable.Repeat((byte)'z', 3000).ToArray());
            Source.EndStream();
            var error = Assert.Throws<SocketSessionException>(() => Receiver.ReceiveToEnd(Soon, CancellationToken.None, maxLength: 4000));
            Assert.Equal(ErrorIds.ReceiveBufferLimit, error.ErrorId);

            using var file = new MemoryStream();
            Assert.Equal(6000, Receiver.CopyTo(file, null, 1000, CancellationToken.None, null));
        }
    }
}
