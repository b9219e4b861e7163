using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.HealthChecks;
using PSSocket.Proxies;
using PSSocket.Sessions;
using PSSocket.Tests.Tls;
using PSSocket.Threading;
using PSSocket.Tls;
using PSSocket.Tls.StartTls;
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

        [Fact]
        public void AGreetingThatCameWithTheReplyIsReadByTheStartTlsDialogueAndTlsRunsOverTheTunnel()
        {
            // One server plays the SOCKS5 proxy and, behind it, an SMTP server whose greeting rides with the proxy's reply.
            using var server = new LoopbackServer(async (socket, token) =>
            {
                await Read(3)(socket, new System.Collections.Concurrent.ConcurrentQueue<byte[]>(), token);
                await socket.SendAsync(new byte[] { 5, 0 }, SocketFlags.None);
                await ReadSocksRequest()(socket, new System.Collections.Concurrent.ConcurrentQueue<byte[]>(), token);
                await socket.SendAsync(Succeeded.Concat(Encoding.ASCII.GetBytes("220 mail.pssocket.test ESMTP\r\n")).ToArray(), SocketFlags.None);
                await LoopbackServer.ReadLine(socket, token);
                await LoopbackServer.Send(socket, "250-mail.pssocket.test\r\n250 STARTTLS\r\n", token);
                await LoopbackServer.ReadLine(socket, token);
                await LoopbackServer.Send(socket, "220 go ahead\r\n", token);
                using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
                await ssl.AuthenticateAsServerAsync(TestCertificates.Server, false, SslProtocols.None, false);
                await LoopbackServer.EchoLines(ssl, token);
            });
            using SocketSession session = NewClient();
            var tls = new TlsClientOptions { StartTls = StartTlsProtocol.Smtp, TrustedCertificates = new X509Certificate2Collection(TestCertificates.CaPublic) };

            session.Connect(new ConnectRequest("localhost", 25, 10_000, CancellationToken.None)
            {
                Proxy = ProxyEndPoint.Parse($"socks5://127.0.0.1:{server.Port}"),
                Tls = tls,
            });

            Assert.True(session.Tls!.NameMatches);
            byte[] line = Encoding.ASCII.GetBytes("through\n");
            session.Stream.Send(line, 0, line.Length, CancellationToken.None);
            Assert.Equal("THROUGH\n", Encoding.ASCII.GetString(session.Stream.Receiver.ReceiveExactly(line.Length, Deadline.After(10_000), CancellationToken.None)));
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
