using System.IO;
using System.Net;
using PSSocket.Errors;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Proxies
{
    /// <summary>The HTTP CONNECT client against tinyproxy (Debian's), run by each test in the foreground with its own configuration on 127.0.0.1.</summary>
    public class TinyproxyTests
    {
        /// <summary>Shared with the Pester tests (tests/Pester/Proxies.Support.ps1).</summary>
        private static readonly string Configuration = File.ReadAllText(Path.Combine(PowerShellHarness.RepoRoot, "tests", "proxies", "tinyproxy.conf"));

        private static ProxyDaemon StartTinyproxy(string extra = "") => ProxyDaemon.Start("tinyproxy", Configuration + extra + "\n", "-d", "-c", "{config}");

        private static string Uri(ProxyDaemon proxy) => $"http://127.0.0.1:{proxy.Port}";

        [InteropFact("tinyproxy")]
        public void AMegabyteGoesThroughToATargetNamedForTheProxyToResolve()
        {
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using ProxyDaemon tinyproxy = StartTinyproxy();
            using TunnelClient tunnel = TunnelClient.Open(Uri(tinyproxy), "localhost", echo.Port);

            tunnel.AssertEchoes(RawPeer.RandomBytes(1 << 20, seed: 21));
            Assert.StartsWith("HTTP/1.0 200", tunnel.Result.StatusLine);
        }

        [InteropFact("tinyproxy", "socat")]
        public void ATargetThatSpeaksFirstLosesNoByte()
        {
            using var target = new GreetingTarget();
            using ProxyDaemon tinyproxy = StartTinyproxy();
            using TunnelClient tunnel = TunnelClient.Open(Uri(tinyproxy), "127.0.0.1", target.Port);

            GreetingTarget.AssertGreetsAndEchoes(tunnel, RawPeer.RandomBytes(100_000, seed: 22));
        }

        [InteropFact("tinyproxy")]
        public void BasicCredentialsAreRequiredAndChecked()
        {
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using ProxyDaemon tinyproxy = StartTinyproxy("BasicAuth alice s3cret");

            string message = TunnelClient.AssertCredentialsAreChecked(Uri(tinyproxy), echo.Port, new NetworkCredential("alice", "s3cret"));
            Assert.Contains("407", message);
        }

        [InteropFact("tinyproxy")]
        public void APortItDoesNotAllowAndATargetItCannotReachAreRefusalsThatQuoteIt()
        {
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using ProxyDaemon restricted = StartTinyproxy("ConnectPort 443");
            Assert.Equal(ErrorIds.ProxyRefused, TunnelClient.FailureOf(Uri(restricted), "127.0.0.1", echo.Port, null, out string message));
            Assert.Contains("403", message);

            // tinyproxy answers a failed connect with 500 Unable to connect, not 502: the proxy's own words decide.
            using ProxyDaemon open = StartTinyproxy();
            Assert.Equal(ErrorIds.ProxyRefused, TunnelClient.FailureOf(Uri(open), "127.0.0.1", RawPeer.ClosedPort(), null, out message));
            Assert.Contains("500 Unable to connect", message);
        }
    }
}
