using System.Text;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>A receive that times out with some bytes says how many arrived and that they are kept.</summary>
    public class PartialTimeoutTests
    {
        private readonly ScriptedSource _source = new ScriptedSource();
        private readonly SessionReceiver _receiver;

        public PartialTimeoutTests()
        {
            _receiver = new SessionReceiver(_source, new SessionCounters(), "owner");
            _source.Deliver(Encoding.ASCII.GetBytes("partial"));
        }

        [Fact]
        public void CountSaysHowManyOfTheBytesArrived()
        {
            var error = Assert.Throws<SocketSessionException>(() => _receiver.ReceiveExactly(100, Deadline.After(100), CancellationToken.None));
            Assert.Equal(ErrorIds.ReceiveTimedOut, error.ErrorId);
            Assert.Contains("7 bytes arrived", error.Message);
            Assert.Contains("the 100 bytes asked for", error.Message);
            Assert.Equal(7, _receiver.Buffered);
        }

        [Fact]
        public void LineSaysTheBytesCameWithoutALineEnd()
        {
            var error = Assert.Throws<SocketSessionException>(() => _receiver.ReceiveUntil(new byte[] { 10 }, new byte[] { 13 }, Deadline.After(100), CancellationToken.None));
            Assert.Contains("7 bytes arrived", error.Message);
            Assert.Contains("line end", error.Message);
        }

        [Fact]
        public void DelimiterSaysTheBytesCameWithoutTheDelimiter()
        {
            var error = Assert.Throws<SocketSessionException>(() => _receiver.ReceiveUntil(new byte[] { 0 }, null, Deadline.After(100), CancellationToken.None));
            Assert.Contains("7 bytes arrived", error.Message);
            Assert.Contains("delimiter", error.Message);
            Assert.Equal("partial", Encoding.ASCII.GetString(_receiver.ReceiveExactly(7, Deadline.After(100), CancellationToken.None)));
        }
    }
}
