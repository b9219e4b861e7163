using System.Net.Sockets;
using System.Net;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Datagrams
{
    /// <summary>A failed connect of a bound UDP session keeps the session's own socket and its background receiver.</summary>
    public class FailedConnectTests
    {
        [Fact]
        public void ABoundUdpSessionStillReceivesAfterAFailedConnect()
        {
            using SocketSession session = TestSessions.CreateClient(
                new SocketSettings { Protocol = SocketProtocol.Udp }, null, new IPEndPoint(IPAddress.IPv6Loopback, 0));

            // A socket bound at ::1 cannot reach an IPv4-mapped address: connect() fails with ENETUNREACH, sending nothing.
            var error = Assert.Throws<SocketSessionException>(() => session.Connect("::ffff:127.0.0.1", 9, 2000, CancellationToken.None));
            Assert.Equal(ErrorIds.NetworkUnreachable, error.ErrorId);
            Assert.Equal(SocketState.Bound, session.State);

            using var sender = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            sender.SendTo(new byte[] { 1, 2, 3 }, session.LocalEndPoint!);
            Assert.Equal(new byte[] { 1, 2, 3 }, session.ReceiveDatagram(Deadline.After(5000), CancellationToken.None).Payload);
        }
    }
}
