using System.Net.Sockets;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>After the peer resets, every call says ConnectionReset, State shows it, and bytes received before stay readable.</summary>
    public class PeerResetTests
    {
        private readonly SessionRegistry _registry = new SessionRegistry();

        [Fact]
        public void EveryCallAfterAResetSaysConnectionResetAndTheBytesBeforeItStayReadable()
        {
            using SocketSession listener = TestSessions.CreateListener(new SocketSettings(), _registry, new IPEndPoint(IPAddress.Loopback, 0), 8);
            using SocketSession client = TestSessions.CreateClient(new SocketSettings(), _registry, null);
            client.Connect("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port, 5000, CancellationToken.None);
            using SocketSession server = listener.Accept(5000, CancellationToken.None);

            Task<byte[]> waiting = Task.Run(() => client.GetReceiver().ReceiveExactly(100, Deadline.After(10000), CancellationToken.None));
            server.Send(Encoding.ASCII.GetBytes("partial"), 0, 7, CancellationToken.None);
            Assert.True(SpinWait.SpinUntil(() => client.BytesReceived == 7, 10000));
            server.Socket!.LingerState = new LingerOption(true, 0);
            server.Socket.Close();

            var received = Assert.IsType<SocketSessionException>(Assert.ThrowsAny<System.AggregateException>(() => waiting.Wait()).InnerException);
            Assert.Equal(ErrorIds.ConnectionReset, received.ErrorId);
            Assert.Equal(SocketState.Reset, client.State);
            Assert.True(client.RemoteClosed);
            Assert.Equal(7, client.BytesBuffered);

            var sent = Assert.Throws<SocketSessionException>(() => client.Send(new byte[] { 1 }, 0, 1, CancellationToken.None));
            Assert.Equal(ErrorIds.ConnectionReset, sent.ErrorId);
            Assert.Equal("partial", Encoding.ASCII.GetString(client.GetReceiver().ReceiveExactly(7, Deadline.After(1000), CancellationToken.None)));
            var after = Assert.Throws<SocketSessionException>(() => client.GetReceiver().ReceiveAvailable(null, Deadline.After(1000), CancellationToken.None));
            Assert.Equal(ErrorIds.ConnectionReset, after.ErrorId);
            Assert.Equal(ErrorIds.ConnectionReset, Assert.Throws<SocketSessionException>(() => client.ShutdownSend()).ErrorId);
        }

        [Fact]
        public void ASendThatMeetsTheResetFirstSaysConnectionReset()
        {
            using SocketSession listener = TestSessions.CreateListener(new SocketSettings(), _registry, new IPEndPoint(IPAddress.Loopback, 0), 8);
            using SocketSession client = TestSessions.CreateClient(new SocketSettings(), _registry, null);
            client.Connect("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port, 5000, CancellationToken.None);
            using (SocketSession server = listener.Accept(5000, CancellationToken.None))
            {
                server.Socket!.LingerState = new LingerOption(true, 0);
                server.Socket.Close();
            }

            SocketSessionException? error = null;
            for (int i = 0; i < 50 && error == null; i++)
            {
                try
                {
                    client.Send(new byte[] { 1 }, 0, 1, CancellationToken.None);
                    Thread.Sleep(20);
                }
                catch (SocketSessionException e)
                {
                    error = e;
                }
            }

            Assert.NotNull(error);
            Assert.Equal(ErrorIds.ConnectionReset, error!.ErrorId);
            Assert.Equal(SocketState.Reset, client.State);
            Assert.Equal(ErrorIds.ConnectionReset, Assert.Throws<SocketSessionException>(() => client.Send(new byte[] { 1 }, 0, 1, CancellationToken.None)).ErrorId);
        }
    }
}
