using System.Linq;
using System.Net;
using PSSocket.Errors;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Proxies
{
    /// <summary>The HTTP CONNECT client against ncat's own proxy (ncat -l --proxy-type http), with and without its --proxy-auth.</summary>
    public class NcatHttpProxyTests
    {
        // In proxy mode ncat listens on every address whatever address it is given: --allow keeps all but loopback out.
        private static ProxyDaemon StartNcat(params string[] extra) =>
            ProxyDaemon.Start("ncat", null, new[] { "-l", "127.0.0.1", "{port}", "--proxy-type", "http", "--allow", "127.0.0.1" }.Concat(extra).ToArray());

        private static string Uri(ProxyDaemon proxy) => $"http://127.0.0.1:{proxy.Port}";

        [InteropFact("ncat")]
        public void AMegabyteGoesThroughAndAGreetingComesFirst()
        {
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using var greeter = new GreetingTarget();
            using ProxyDaemon ncat = StartNcat();

            using (TunnelClient tunnel = TunnelClient.Open(Uri(ncat), "127.0.0.1", echo.Port))
            {
                tunnel.AssertEchoes(RawPeer.RandomBytes(1 << 20, seed: 31));
            }

            using (TunnelClient tunnel = TunnelClient.Open(Uri(ncat), "127.0.0.1", greeter.Port))
            {
                GreetingTarget.AssertGreetsAndEchoes(tunnel, RawPeer.RandomBytes(100_000, seed: 32));
            }
        }

        [InteropFact("ncat")]
        public void BasicCredentialsAreRequiredAndChecked()
        {
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using ProxyDaemon ncat = StartNcat("--proxy-auth", "alice:s3cret");

            string message = TunnelClient.AssertCredentialsAreChecked(Uri(ncat), echo.Port, new NetworkCredential("alice", "s3cret"));
            Assert.Contains("Basic realm=", message);
        }

        [InteropFact("ncat")]
        public void ATargetItCannotReachIsUnreachable()
        {
            using ProxyDaemon ncat = StartNcat();

            Assert.Equal(ErrorIds.ProxyTargetUnreachable, TunnelClient.FailureOf(Uri(ncat), "127.0.0.1", RawPeer.ClosedPort(), null, out string message));
            Assert.Contains("504", message);
        }
    }
}
