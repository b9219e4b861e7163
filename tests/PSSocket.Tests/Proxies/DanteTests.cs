using System.IO;
using System.Net;
using PSSocket.Errors;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Proxies
{
    /// <summary>
    /// The SOCKS5 client against Dante's danted (Debian's dante-server), run by each test with its own configuration
    /// on 127.0.0.1: without authentication, and with user name and password checked against a system account.
    /// </summary>
    public class DanteTests
    {
        /// <summary>Shared with the Pester tests (tests/Pester/Proxies.Support.ps1).</summary>
        private static readonly string Configuration = File.ReadAllText(Path.Combine(PowerShellHarness.RepoRoot, "tests", "proxies", "danted.conf"));

        private static ProxyDaemon StartDante(string method, int blockedPort = 9) =>
            ProxyDaemon.Start("danted", Configuration.Replace("{method}", method).Replace("{blocked}", blockedPort.ToString()), "-f", "{config}", "-p", "{folder}/danted.pid");

        private static string Uri(ProxyDaemon dante) => $"socks5://127.0.0.1:{dante.Port}";

        [InteropFact("danted")]
        public void AMegabyteGoesThroughToATargetNamedForTheProxyToResolve()
        {
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using ProxyDaemon dante = StartDante("none");
            using TunnelClient tunnel = TunnelClient.Open(Uri(dante), "localhost", echo.Port);

            tunnel.AssertEchoes(RawPeer.RandomBytes(1 << 20, seed: 11));
            Assert.Equal(IPAddress.Loopback, Assert.IsType<IPEndPoint>(tunnel.Result.BoundEndPoint).Address);
        }

        [InteropFact("danted", "socat")]
        public void ATargetThatSpeaksFirstLosesNoByte()
        {
            using var target = new GreetingTarget();
            using ProxyDaemon dante = StartDante("none");
            using TunnelClient tunnel = TunnelClient.Open(Uri(dante), "127.0.0.1", target.Port);

            GreetingTarget.AssertGreetsAndEchoes(tunnel, RawPeer.RandomBytes(100_000, seed: 12));
        }

        [InteropFact("danted")]
        public void ARefusedTargetIsUnreachableAndARuleIsARefusal()
        {
            using ScriptedProxy blocked = ScriptedProxy.EchoTarget();
            using ProxyDaemon dante = StartDante("none", blocked.Port);

            Assert.Equal(ErrorIds.ProxyTargetUnreachable, TunnelClient.FailureOf(Uri(dante), "127.0.0.1", RawPeer.ClosedPort(), null, out string message));
            Assert.Contains("connection refused (SOCKS reply code 5)", message);
            Assert.Equal(ErrorIds.ProxyRefused, TunnelClient.FailureOf(Uri(dante), "127.0.0.1", blocked.Port, null, out message));
            Assert.Contains("not allowed by ruleset", message);
        }

        [InteropFact("danted")]
        public void UserNameAndPasswordAreCheckedByTheProxy()
        {
            ProxyTestUser.EnsureExists();
            using ScriptedProxy echo = ScriptedProxy.EchoTarget();
            using ProxyDaemon dante = StartDante("username");

            string message = TunnelClient.AssertCredentialsAreChecked(Uri(dante), echo.Port, ProxyTestUser.Credential);
            Assert.Contains("requires authentication", message);

            using TunnelClient tunnel = TunnelClient.Open($"socks5h://{ProxyTestUser.Name}:{ProxyTestUser.Password}@127.0.0.1:{dante.Port}", "localhost", echo.Port);
            tunnel.AssertEchoes(RawPeer.RandomBytes(1000, seed: 14));
        }
    }
}
