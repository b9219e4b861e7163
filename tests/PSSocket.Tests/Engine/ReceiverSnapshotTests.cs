using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>No property of a session waits for a receive in progress: counters and states are snapshots.</summary>
    public class ReceiverSnapshotTests
    {
        [Fact]
        public void BufferedIsReadAtOnceWhileALineReceiveWaits()
        {
            var source = new ScriptedSource();
            var receiver = new SessionReceiver(source, _ => { }, "owner");
            source.Deliver(Encoding.ASCII.GetBytes("partial"));
            using var stop = new CancellationTokenSource();
            Task<byte[]?> waiting = Task.Run(() => receiver.ReceiveUntil(new byte[] { 10 }, null, Deadline.After(30000), stop.Token));
            SpinWait.SpinUntil(() => source.ReadsStarted == 1, 10000);

            Task<int> read = Task.Run(() => receiver.Buffered);
            bool answered = read.Wait(3000);
            stop.Cancel();
            Assert.True(answered, "Buffered waited for the receive in progress.");
            Assert.Equal(7, read.Result);
            Assert.False(receiver.EndOfStream);
        }

        [Fact]
        public void ASecondReceiveWaitsItsOwnTimeoutNotTheFirstOne()
        {
            var source = new ScriptedSource();
            var receiver = new SessionReceiver(source, _ => { }, "owner");
            using var stop = new CancellationTokenSource();
            Task first = Task.Run(() => receiver.ReceiveAvailable(null, Deadline.After(30000), stop.Token));
            SpinWait.SpinUntil(() => source.ReadsStarted == 1, 10000);

            Task second = Task.Run(() => receiver.ReceiveAvailable(null, Deadline.After(100), CancellationToken.None));
            bool ended = ((IAsyncResult)second).AsyncWaitHandle.WaitOne(5000);
            stop.Cancel();
            Assert.True(ended, "The second receive waited for the first one's 30 s.");
            var error = Assert.IsType<PSSocket.Errors.SocketSessionException>(second.Exception!.InnerException);
            Assert.Equal("ReceiveTimedOut", error.ErrorId);
        }
    }
}
