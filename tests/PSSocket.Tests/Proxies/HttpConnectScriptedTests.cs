using System;
using System.Linq;
using System.Net;
using System.Text;
using PSSocket.Errors;
using PSSocket.Tests.Infrastructure;
using Xunit;
using static PSSocket.Tests.Proxies.ScriptedProxy;

namespace PSSocket.Tests.Proxies
{
    /// <summary>The HTTP CONNECT client against scripted proxies: its request, each kind of answer, and no byte lost behind the head.</summary>
    public class HttpConnectScriptedTests
    {
        private static string Uri(ScriptedProxy proxy) => $"http://127.0.0.1:{proxy.Port}";

        private static string Request(ScriptedProxy proxy) => Encoding.ASCII.GetString(proxy.Received.First());

        [Fact]
        public void ConnectNamesTheTargetAndTheTunnelCarriesEveryByte()
        {
            using ScriptedProxy proxy = Start(Then.Echo, ReadHttpHead(), Send("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n"));
            using TunnelClient tunnel = TunnelClient.Open(Uri(proxy), "db.example.test", 5432);

            tunnel.AssertEchoes(RawPeer.RandomBytes(300_000, seed: 2));
            Assert.Equal("CONNECT db.example.test:5432 HTTP/1.1\r\nHost: db.example.test:5432\r\n\r\n", Request(proxy));
            Assert.Equal("HTTP/1.1 200 Connection established", tunnel.Result.StatusLine);
            Assert.Null(tunnel.Result.BoundEndPoint);
        }

        [Fact]
        public void AnIPv6TargetIsBracketedAndBasicCredentialsAreSent()
        {
            using ScriptedProxy proxy = Start(Then.Close, ReadHttpHead(), Send("HTTP/1.0 200 OK\r\n\r\n"));
            using (TunnelClient.Open(Uri(proxy), "2001:db8::5", 443, new NetworkCredential("alice", "pä:ss")))
            {
            }

            string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pä:ss"));
            Assert.Equal($"CONNECT [2001:db8::5]:443 HTTP/1.1\r\nHost: [2001:db8::5]:443\r\nProxy-Authorization: Basic {basic}\r\n\r\n", Request(proxy));
        }

        [Fact]
        public void BytesAfterTheHeadAreHandedBackWhetherTheyCameWithItOrAfter()
        {
            byte[] greeting = RawPeer.RandomBytes(10_000, seed: 3);
            using ScriptedProxy together = Start(
                Then.Echo, ReadHttpHead(), Send(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n\r\n").Concat(greeting).ToArray()));
            using (TunnelClient tunnel = TunnelClient.Open(Uri(together), "target.test", 25))
            {
                Assert.Equal(greeting, tunnel.Receive(greeting.Length));
                tunnel.AssertEchoes(Encoding.ASCII.GetBytes("after the greeting"));
            }

            // The head split inside its blank line, across reads: the search for CR LF CR LF spans them.
            using ScriptedProxy split = Start(
                Then.Echo, ReadHttpHead(), Send("HTTP/1.1 200 OK\r\nX-A: 1\r\n\r"), Pause(100), Send(Encoding.ASCII.GetBytes("\n").Concat(greeting).ToArray()));
            using (TunnelClient tunnel = TunnelClient.Open(Uri(split), "target.test", 25))
            {
                Assert.Equal(greeting, tunnel.Receive(greeting.Length));
            }
        }

        [Fact]
        public void InterimAnswersAreSkipped()
        {
            using ScriptedProxy proxy = Start(Then.Echo, ReadHttpHead(), Send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nhi"));
            using TunnelClient tunnel = TunnelClient.Open(Uri(proxy), "target.test", 25);

            Assert.Equal("HTTP/1.1 200 OK", tunnel.Result.StatusLine);
            Assert.Equal("hi", Encoding.ASCII.GetString(tunnel.Receive(2)));
        }

        [Theory]
        [InlineData("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\r\n", "ProxyAuthenticationFailed")]
        [InlineData("HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\n\r\n", "ProxyAuthenticationFailed")]
        [InlineData("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", "ProxyRefused")]
        [InlineData("HTTP/1.1 405 Method Not Allowed\r\n\r\n", "ProxyRefused")]
        [InlineData("HTTP/1.1 500 Unable to connect\r\n\r\n", "ProxyRefused")]
        [InlineData("HTTP/1.1 502 Bad Gateway\r\n\r\n", "ProxyTargetUnreachable")]
        [InlineData("HTTP/1.0 504 Gateway Timeout\r\n\r\n", "ProxyTargetUnreachable")]
        [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n", "ProxyProtocolError")]
        [InlineData("HTTP/1.1 2xx Odd\r\n\r\n", "ProxyProtocolError")]
        public void EachAnswerHasItsErrorAndTheMessageQuotesIt(string answer, string errorId)
        {
            using ScriptedProxy proxy = Start(Then.Close, ReadHttpHead(), Send(answer));

            Assert.Equal(errorId, TunnelClient.FailureOf(Uri(proxy), "target.test", 443, null, out string message));
            Assert.Contains(answer.Substring(0, answer.IndexOf('\r')), message);
            Assert.Contains($"http://127.0.0.1:{proxy.Port}", message);
            Assert.Contains("target.test:443", message);
        }

        [Fact]
        public void RejectedCredentialsNameTheUserAndNotThePassword()
        {
            using ScriptedProxy proxy = Start(Then.Close, ReadHttpHead(), Send("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));

            Assert.Equal(ErrorIds.ProxyAuthenticationFailed, TunnelClient.FailureOf(Uri(proxy), "target.test", 443, new NetworkCredential("alice", "hunter2"), out string message));
            Assert.Contains("alice", message);
            Assert.DoesNotContain("hunter2", message);
        }

        [Fact]
        public void AHeadCutShortOrTooLongIsAProtocolErrorAndSilenceThenCloseIsARefusal()
        {
            using ScriptedProxy cut = Start(Then.Close, ReadHttpHead(), Send("HTTP/1.1 200 OK\r\nX-A"));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(cut), "target.test", 80));

            using ScriptedProxy endless = Start(Then.Close, ReadHttpHead(), Send("HTTP/1.1 200 OK\r\n" + new string('x', 70_000)));
            Assert.Equal(ErrorIds.ProxyProtocolError, TunnelClient.FailureOf(Uri(endless), "target.test", 80, null, out string message));
            Assert.Contains("longer than", message);

            using ScriptedProxy closes = Start(Then.Close, ReadHttpHead());
            Assert.Equal(ErrorIds.ProxyRefused, TunnelClient.FailureOf(Uri(closes), "target.test", 80));
        }
    }
}
