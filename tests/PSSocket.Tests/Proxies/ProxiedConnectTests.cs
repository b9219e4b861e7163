using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.HealthChecks;
using PSSocket.Proxies;
using PSSocket.Sessions;
using PSSocket.Threading;
using Xunit;
using static PSSocket.Tests.Proxies.ScriptedProxy;

namespace PSSocket.Tests.Proxies
{
    /// <summary>
    /// The connect path through a proxy (ConnectRequest.Proxy, used by a session's connect and by the port checker)
    /// against scripted SOCKS5 proxies: the target's first bytes that come with the proxy's reply, one deadline for
    /// the connect and the tunnel, cancellation, and what a port check makes of the proxy's answer.
    /// </summary>
    public class ProxiedConnectTests
    {
        private const string Greeting = "220 target.test ready\r\n";

        private static readonly byte[] Succeeded = { 5, 0, 0, 1, 127, 0, 0, 1, 0x12, 0x34 };

        private readonly SessionRegistry _registry = new SessionRegistry();

        private static ProxyEndPoint Proxy(ScriptedProxy proxy) => ProxyEndPoint.Parse($"socks5://127.0.0.1:{proxy.Port}");

        private static byte[] Reply(byte code) => new byte[] { 5, code, 0, 1, 0, 0, 0, 0, 0, 0 };

        private SocketSession NewClient() => SessionFactory.Create(SocketRole.Client, new SocketSettings(), _registry, null);

        [Fact]
        public void TheTargetsBytesThatCameWithTheReplyAreTheFirstTheSessionReceives()
        {
            byte[] replyAndGreeting = Succeeded.Concat(Encoding.ASCII.GetBytes(Greeting)).ToArray();
            using ScriptedProxy proxy = Start(Then.Echo, Read(3), Send(5, 0), ReadSocksRequest(), Send(replyAndGreeting));
            using SocketSession session = NewClient();

            session.Connect(new ConnectRequest("target.test", 25, 10_000, CancellationToken.None) { Proxy = Proxy(proxy) });

            Assert.Equal(Greeting.Length, session.BytesBuffered);
            Assert.Equal(Greeting.Length, session.BytesReceived);
            Assert.Equal(new DnsEndPoint("target.test", 25), session.RemoteEndPoint);
            Assert.Equal("target.test", session.RemoteHost);
            Assert.Equal($"socks5://127.0.0.1:{proxy.Port}", session.Proxy!.ToString());
            Assert.Equal(proxy.Port, ((IPEndPoint)session.Socket!.RemoteEndPoint!).Port);

            SessionReceiverAssert(session, Greeting);
            byte[] data = Encoding.ASCII.GetBytes("after the greeting");
            session.Stream.Send(data, 0, data.Length, CancellationToken.None);
            Assert.Equal(data, session.Stream.Receiver.ReceiveExactly(data.Length, Deadline.After(10_000), CancellationToken.None));
        }

        [Fact]
        public void AnAddressTargetIsTheRemoteEndPointAsAnIPEndPoint()
        {
            using ScriptedProxy proxy = Start(Then.Hold, Read(3), Send(5, 0), ReadSocksRequest(), Send(Succeeded));
            using SocketSession session = NewClient();

            session.Connect(new ConnectRequest("192.0.2.9", 8080, 10_000, CancellationToken.None) { Proxy = Proxy(proxy) });

            Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.9"), 8080), session.RemoteEndPoint);
            Assert.Equal(0, session.BytesBuffered);
        }

        [Fact]
        public void TheConnectTimeoutCoversTheTunnel()
        {
            using ScriptedProxy proxy = Start(Then.Hold, Read(3));
            using SocketSession session = NewClient();

            var e = Assert.Throws<SocketSessionException>(() =>
                session.Connect(new ConnectRequest("target.test", 25, 300, CancellationToken.None) { Proxy = Proxy(proxy) }));

            Assert.Equal(ErrorIds.ConnectTimedOut, e.ErrorId);
            Assert.IsType<ProxyEndPoint>(e.Target);
            Assert.NotEqual(SocketState.Connected, session.State);
        }

        [Fact]
        public void CancellationStopsAWaitForTheProxyAndLeavesNoConnection()
        {
            using ScriptedProxy proxy = Start(Then.Hold, Read(3));
            using SocketSession session = NewClient();
            using var stop = new CancellationTokenSource(200);

            var watch = Stopwatch.StartNew();
            Assert.ThrowsAny<OperationCanceledException>(() =>
                session.Connect(new ConnectRequest("target.test", 25, -1, stop.Token) { Proxy = Proxy(proxy) }));

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"the stop took {watch.Elapsed}");
            Assert.NotEqual(SocketState.Connected, session.State);
        }

        [Fact]
        public async Task TheTargetNameIsTheProxysToResolve()
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(Succeeded));
            var request = new ConnectRequest("no-such-host.invalid", 443, 10_000, CancellationToken.None)
            {
                Proxy = Proxy(proxy),
                Addresses = new[] { IPAddress.Loopback },
            };

            using Socket socket = await Connector.ConnectAsync(request);

            Assert.Equal("no-such-host.invalid", request.Tunnel!.TargetHost);
            byte[] sent = proxy.Received.ElementAt(1);
            Assert.Equal("no-such-host.invalid", Encoding.ASCII.GetString(sent, 5, sent[4]));
        }

        [Theory]
        [InlineData(5, PortStatus.Refused, ErrorIds.ProxyTargetUnreachable, "ConnectionRefused")]
        [InlineData(4, PortStatus.Unreachable, ErrorIds.ProxyTargetUnreachable, "HostUnreachable")]
        [InlineData(6, PortStatus.TimedOut, ErrorIds.ProxyTargetUnreachable, "TimedOut")]
        [InlineData(2, PortStatus.ProxyFailed, ErrorIds.ProxyRefused, null)]
        public async Task APortCheckReadsThePortsStateFromTheProxysReply(byte code, string status, string errorId, string? socketError)
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(Reply(code)));
            var checker = new PortChecker(new PortCheckOptions { Timeout = 10_000, Proxy = Proxy(proxy) }, 4, CancellationToken.None);

            PortCheckResult result = await checker.Check("target.test", 22);

            Assert.Equal(status, result.Status);
            Assert.Equal(errorId, result.ErrorId);
            Assert.Equal(socketError, result.SocketError);
            Assert.Null(result.RemoteAddress);
            Assert.Equal(Proxy(proxy).ToString(), result.Proxy);
        }

        [Fact]
        public async Task APortCheckThroughAProxyIsOpenWhenTheTunnelOpens()
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(Succeeded));
            var checker = new PortChecker(new PortCheckOptions { Timeout = 10_000, Proxy = Proxy(proxy) }, 4, CancellationToken.None);

            PortCheckResult result = await checker.Check("192.0.2.1", 22);

            Assert.Equal(PortStatus.Open, result.Status);
            Assert.Equal("192.0.2.1", result.RemoteAddress);
        }

        private static void SessionReceiverAssert(SocketSession session, string expected) =>
            Assert.Equal(expected, Encoding.ASCII.GetString(session.Stream.Receiver.ReceiveExactly(expected.Length, Deadline.After(10_000), CancellationToken.None)));
    }
}
