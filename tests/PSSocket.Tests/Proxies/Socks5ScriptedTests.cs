using System.Linq;
using System.Net;
using System.Text;
using PSSocket.Errors;
using PSSocket.Tests.Infrastructure;
using Xunit;
using static PSSocket.Tests.Proxies.ScriptedProxy;

namespace PSSocket.Tests.Proxies
{
    /// <summary>The SOCKS5 client against scripted proxies: the bytes it sends, each reply code, broken and short replies.</summary>
    public class Socks5ScriptedTests
    {
        private static readonly byte[] Succeeded = { 5, 0, 0, 1, 10, 1, 2, 3, 0x12, 0x34 };

        private static string Uri(ScriptedProxy proxy) => $"socks5://127.0.0.1:{proxy.Port}";

        [Fact]
        public void NameGoesToTheProxyAsADomainAndTheTunnelCarriesEveryByte()
        {
            using ScriptedProxy proxy = Start(Then.Echo, Read(3), Send(5, 0), ReadSocksRequest(), Send(Succeeded));
            using TunnelClient tunnel = TunnelClient.Open(Uri(proxy), "db.example.test", 5432);

            tunnel.AssertEchoes(RawPeer.RandomBytes(300_000, seed: 1));
            Assert.Equal(new byte[] { 5, 1, 0 }, proxy.Received.ElementAt(0));
            byte[] name = Encoding.ASCII.GetBytes("db.example.test");
            Assert.Equal(new byte[] { 5, 1, 0, 3, (byte)name.Length }.Concat(name).Concat(new byte[] { 5432 >> 8, 5432 & 0xff }), proxy.Received.ElementAt(1));
            Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 0x1234), tunnel.Result.BoundEndPoint);
            Assert.Empty(tunnel.Result.Leftover);
        }

        [Fact]
        public void AddressesGoAsIPv4AndIPv6AndAnInternationalNameInItsAsciiForm()
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(Succeeded));
            using (TunnelClient.Open(Uri(proxy), "192.0.2.7", 80))
            using (TunnelClient.Open(Uri(proxy), "[2001:db8::1]", 443))
            using (TunnelClient.Open(Uri(proxy), "bücher.example", 25))
            {
            }

            byte[][] requests = proxy.Received.Where(r => r.Length > 3).ToArray();
            Assert.Contains(requests, r => r.SequenceEqual(new byte[] { 5, 1, 0, 1, 192, 0, 2, 7, 0, 80 }));
            Assert.Contains(requests, r => r[3] == 4 && r.Skip(4).Take(16).SequenceEqual(IPAddress.Parse("2001:db8::1").GetAddressBytes()) && r[20] == 1 && r[21] == 187);
            Assert.Contains(requests, r => r[3] == 3 && Encoding.ASCII.GetString(r, 5, r[4]) == "xn--bcher-kva.example");
        }

        [Fact]
        public void UserNameAndPasswordAreOfferedAndSentByRfc1929()
        {
            using ScriptedProxy proxy = Start(Then.Echo, Read(4), Send(5, 2), ReadSocksAuth(), Send(1, 0), ReadSocksRequest(), Send(Succeeded));
            using TunnelClient tunnel = TunnelClient.Open(Uri(proxy), "target.test", 7, new NetworkCredential("alice", "s3cret-ü"));

            tunnel.AssertEchoes(Encoding.ASCII.GetBytes("through"));
            Assert.Equal(new byte[] { 5, 2, 0, 2 }, proxy.Received.ElementAt(0));
            byte[] password = Encoding.UTF8.GetBytes("s3cret-ü");
            Assert.Equal(new byte[] { 1, 5 }.Concat(Encoding.ASCII.GetBytes("alice")).Append((byte)password.Length).Concat(password), proxy.Received.ElementAt(1));
        }

        [Fact]
        public void CredentialsInTheUriAreUsedWhenNoneIsGivenApart()
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(4), Send(5, 2), ReadSocksAuth(), Send(1, 0), ReadSocksRequest(), Send(Succeeded));
            using (TunnelClient.Open($"socks5h://bob:p%40ss@127.0.0.1:{proxy.Port}", "target.test", 7))
            {
            }

            Assert.Equal(new byte[] { 1, 3, (byte)'b', (byte)'o', (byte)'b', 4, (byte)'p', (byte)'@', (byte)'s', (byte)'s' }, proxy.Received.ElementAt(1));
        }

        [Theory]
        [InlineData(1, "ProxyRefused", "general SOCKS server failure")]
        [InlineData(2, "ProxyRefused", "connection not allowed by ruleset")]
        [InlineData(3, "ProxyTargetUnreachable", "network unreachable")]
        [InlineData(4, "ProxyTargetUnreachable", "host unreachable")]
        [InlineData(5, "ProxyTargetUnreachable", "connection refused")]
        [InlineData(6, "ProxyTargetUnreachable", "TTL expired")]
        [InlineData(7, "ProxyRefused", "command not supported")]
        [InlineData(8, "ProxyRefused", "address type not supported")]
        [InlineData(9, "ProxyRefused", "unassigned")]
        public void EachReplyCodeHasItsErrorAndMeaning(byte code, string errorId, string meaning)
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(5, code, 0, 1, 0, 0, 0, 0, 0, 0));

            Assert.Equal(errorId, TunnelClient.FailureOf(Uri(proxy), "target.test", 443, null, out string message));
            Assert.Contains(meaning, message);
            Assert.Contains($"socks5://127.0.0.1:{proxy.Port}", message);
            Assert.Contains("target.test:443", message);
        }

        [Fact]
        public void AFailedReplyCutShortAfterItsCodeStillTellsTheCode()
        {
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(5, 4));
            Assert.Equal(ErrorIds.ProxyTargetUnreachable, TunnelClient.FailureOf(Uri(proxy), "target.test", 443));
        }

        [Fact]
        public void AuthenticationRequiredOrRejectedIsProxyAuthenticationFailed()
        {
            using ScriptedProxy required = Start(Then.Close, Read(3), Send(5, 0xff));
            Assert.Equal(ErrorIds.ProxyAuthenticationFailed, TunnelClient.FailureOf(Uri(required), "target.test", 80, null, out string message));
            Assert.Contains("requires authentication", message);

            using ScriptedProxy rejected = Start(Then.Close, Read(4), Send(5, 2), ReadSocksAuth(), Send(1, 1));
            Assert.Equal(ErrorIds.ProxyAuthenticationFailed, TunnelClient.FailureOf(Uri(rejected), "target.test", 80, new NetworkCredential("alice", "wrong"), out message));
            Assert.Contains("alice", message);
            Assert.DoesNotContain("wrong", message);
        }

        [Fact]
        public void BrokenRepliesAreProtocolErrors()
        {
            using ScriptedProxy version4 = Start(Then.Close, Read(3), Send(4, 0));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(version4), "target.test", 80));

            using ScriptedProxy http = Start(Then.Close, Read(3), Send("HTTP/1.1 400 Bad Request\r\n\r\n"));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(http), "target.test", 80, null, out string message));
            Assert.Contains("HTTP/1.1 400", message);

            using ScriptedProxy unoffered = Start(Then.Close, Read(3), Send(5, 2));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(unoffered), "target.test", 80));

            using ScriptedProxy badType = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(5, 0, 0, 7, 1, 2));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(badType), "target.test", 80));

            using ScriptedProxy badAuth = Start(Then.Close, Read(4), Send(5, 2), ReadSocksAuth(), Send(9, 0));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(badAuth), "target.test", 80, new NetworkCredential("a", "b")));
        }

        [Fact]
        public void AReplyCutShortIsAProtocolErrorAndSilenceThenCloseIsARefusal()
        {
            using ScriptedProxy shortChoice = Start(Then.Close, Read(3), Send(5));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(shortChoice), "target.test", 80));

            using ScriptedProxy shortReply = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(5, 0, 0, 1, 127, 0));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(shortReply), "target.test", 80));

            using ScriptedProxy closes = Start(Then.Close, Read(3));
            Assert.Equal(ErrorIds.ProxyRefused, TunnelClient.FailureOf(Uri(closes), "target.test", 80));
        }

        [Fact]
        public void ATargetThatSpeaksFirstLosesNoByteSentWithTheReply()
        {
            byte[] greeting = Encoding.ASCII.GetBytes("220 target ready\r\n");
            using ScriptedProxy proxy = Start(Then.Echo, Read(3), Send(5, 0), ReadSocksRequest(), Send(Succeeded.Concat(greeting).ToArray()));
            using TunnelClient tunnel = TunnelClient.Open(Uri(proxy), "target.test", 25);

            Assert.Equal(greeting, tunnel.Receive(greeting.Length));
            tunnel.AssertEchoes(Encoding.ASCII.GetBytes("QUIT\r\n"));
        }

        [Fact]
        public void ABoundNameIsReportedAsADnsEndPoint()
        {
            byte[] reply = new byte[] { 5, 0, 0, 3, 9 }.Concat(Encoding.ASCII.GetBytes("proxy.lan")).Concat(new byte[] { 0, 99 }).ToArray();
            using ScriptedProxy proxy = Start(Then.Close, Read(3), Send(5, 0), ReadSocksRequest(), Send(reply));
            using TunnelClient tunnel = TunnelClient.Open(Uri(proxy), "target.test", 80);

            Assert.Equal(new DnsEndPoint("proxy.lan", 99), tunnel.Result.BoundEndPoint);
        }
    }
}
