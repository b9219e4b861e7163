using System.Text;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>A receive that times out with some bytes says how many arrived and that they are kept.</summary>
    public class PartialTimeoutTests : ScriptedReceiverBase
    {
        public PartialTimeoutTests()
        {
            Source.Deliver(Encoding.ASCII.GetBytes("partial"));
        }

        [Fact]
        public void CountSaysHowManyOfTheBytesArrived()
        {
            var error = Assert.Throws<SocketSessionException>(() => Receiver.ReceiveExactly(100, Deadline.After(100), CancellationToken.None));
            Assert.Equal(ErrorIds.ReceiveTimedOut, error.ErrorId);
            Assert.Contains("7 bytes arrived", error.Message);
            Assert.Contains("the 100 bytes asked for", error.Message);
            Assert.Equal(7, Receiver.Buffered);
        }

        [Fact]
        public void LineSaysTheBytesCameWithoutALineEnd()
        {
            var error = Assert.Throws<SocketSessionException>(() => Receiver.ReceiveUntil(new byte[] { 10 }, new byte[] { 13 }, Deadline.After(100), CancellationToken.None));
            Assert.Contains("7 bytes arrived", error.Message);
            Assert.Contains("line end", error.Message);
        }

        [Fact]
        public void DelimiterSaysTheBytesCameWithoutTheDelimiter()
        {
            var error = Assert.Throws<SocketSessionException>(() => Receiver.ReceiveUntil(new byte[] { 0 }, null, Deadline.After(100), CancellationToken.None));
            Assert.Contains("7 bytes arrived", error.Message);
            Assert.Contains("delimiter", error.Message);
            Assert.Equal("partial", Encoding.ASCII.GetString(Receiver.ReceiveExactly(7, Deadline.After(100), CancellationToken.None)));
        }
    }
}
