using System.Net;
using PSSocket.Errors;
using PSSocket.Proxies;
using Xunit;

namespace PSSocket.Tests.Proxies
{
    /// <summary>Proxy URIs: the scheme picks the protocol, credentials come apart or from the user-info, and bad ones say why.</summary>
    public class ProxyUriTests
    {
        [Theory]
        [InlineData("socks5://127.0.0.1:1080", ProxyKind.Socks5, "127.0.0.1", 1080)]
        [InlineData("SOCKS5H://proxy.example:9050", ProxyKind.Socks5, "proxy.example", 9050)]
        [InlineData("socks5://proxy.example", ProxyKind.Socks5, "proxy.example", 1080)]
        [InlineData("http://[::1]:3128/", ProxyKind.HttpConnect, "::1", 3128)]
        [InlineData("http://proxy.example", ProxyKind.HttpConnect, "proxy.example", 80)]
        [InlineData("  http://10.0.0.1:8888  ", ProxyKind.HttpConnect, "10.0.0.1", 8888)]
        public void SchemeHostAndPort(string uri, ProxyKind kind, string host, int port)
        {
            ProxyEndPoint proxy = ProxyEndPoint.Parse(uri);

            Assert.Equal(kind, proxy.Kind);
            Assert.Equal(host, proxy.Host);
            Assert.Equal(port, proxy.Port);
            Assert.False(proxy.HasCredential);
        }

        [Fact]
        public void TheWrittenFormShowsNoCredential()
        {
            ProxyEndPoint proxy = ProxyEndPoint.Parse("socks5h://alice:secret@[2001:db8::1]:1080");

            Assert.Equal("socks5h://[2001:db8::1]:1080", proxy.ToString());
            Assert.Equal("alice", proxy.Credential!.UserName);
            Assert.Equal("secret", proxy.Credential.Password);
        }

        [Fact]
        public void ACredentialGivenApartWinsOverTheUserInfo()
        {
            ProxyEndPoint proxy = ProxyEndPoint.Parse("http://alice:secret@proxy.example:3128", new NetworkCredential("bob", "other"));

            Assert.Equal("bob", proxy.Credential!.UserName);
            Assert.Equal("other", proxy.Credential.Password);
        }

        [Fact]
        public void AnEmptyCredentialIsNone()
        {
            Assert.False(ProxyEndPoint.Parse("socks5://proxy.example:1080", new NetworkCredential(string.Empty, string.Empty)).HasCredential);
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("proxy.example:1080", "no scheme")]
        [InlineData("socks4://proxy.example:1080", "'socks4' is not supported")]
        [InlineData("https://proxy.example:443", "'https' is not supported")]
        [InlineData("http://proxy.example:8080/path", "no path")]
        [InlineData("http://proxy.example:8080?q=1", "no path")]
        [InlineData("socks5://proxy.example:0", "port 0")]
        [InlineData("socks5://proxy.example:99999", "not a valid URI")]
        [InlineData("http://user:pa@ss@:8080", "")]
        public void ABadUriSaysWhy(string uri, string reason)
        {
            var error = Assert.Throws<SocketSessionException>(() => ProxyEndPoint.Parse(uri));

            Assert.Equal(ErrorIds.ProxyUriInvalid, error.ErrorId);
            Assert.Contains(reason, error.Message);
            Assert.DoesNotContain("pa@ss", error.Message);
        }

        [Fact]
        public void UnusableCredentialsAreRefusedBeforeAnythingIsSent()
        {
            Assert.Equal(ErrorIds.ProxyUriInvalid, Assert.Throws<SocketSessionException>(
                () => ProxyEndPoint.Parse("http://proxy.example:3128", new NetworkCredential("a:b", "c"))).ErrorId);
            Assert.Equal(ErrorIds.ProxyUriInvalid, Assert.Throws<SocketSessionException>(
                () => ProxyEndPoint.Parse("socks5://proxy.example:1080", new NetworkCredential(new string('u', 256), "c"))).ErrorId);
            Assert.Equal(ErrorIds.ProxyUriInvalid, Assert.Throws<SocketSessionException>(
                () => ProxyEndPoint.Parse("socks5://proxy.example:1080", new NetworkCredential(string.Empty, "only-a-password"))).ErrorId);
        }
    }
}
