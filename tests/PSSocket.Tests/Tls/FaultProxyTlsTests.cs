using System.Linq;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>TLS handshakes through the fault proxy: in 1-byte pieces, cut midway, stalled.</summary>
    public sealed class FaultProxyTlsTests : CmdletTestBase
    {
        public FaultProxyTlsTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
        }

        [Fact]
        public void AHandshakeAndALineInOneBytePiecesBothWaysSucceed()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            using var proxy = new FaultProxy(server.Port, FaultRule.Pieces(), FaultRule.Pieces());
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {proxy.Port} -UseTls -TrustedCertificate $ca -AddressFamily IPv4 -Timeout 15000; " +
                "$s | Send-SocketData 'hello' -Line; $s | Receive-SocketData -Line -Timeout 15000; $s | Close-Socket").ThrowOnError();
            Assert.Equal("HELLO", result.Single<string>());
        }

        [Fact]
        public void AHandshakeCutMidwayFailsWithAnIdAndLeavesNoSession()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            using FaultProxy proxy = FaultProxy.CutMidTlsHandshake(server.Port);
            ScriptResult result = PS.Run($"Connect-Socket localhost {proxy.Port} -UseTls -TrustedCertificate $ca -AddressFamily IPv4 -Timeout 5000");
            string id = Assert.Single(result.ErrorIds);
            Assert.Contains(id, new[] { "TlsHandshakeFailed", "ConnectionReset", "TlsError" });
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void AHandshakeStalledByThePeerTimesOut()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            using var proxy = new FaultProxy(server.Port, toClient: FaultRule.Stall(0));

            // The stall never ends, so the handshake times out whatever the timeout; 3 s leaves a busy machine time to connect.
            ScriptResult result = PS.Run($"Connect-Socket localhost {proxy.Port} -UseTls -TrustedCertificate $ca -AddressFamily IPv4 -Timeout 3000");
            Assert.Equal(new[] { "TlsHandshakeTimedOut" }, result.ErrorIds);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void ATlsListenerServesAClientWhoseHandshakeArrivesInOneBytePieces()
        {
            PS.SetVariable("serverCertificate", TestCertificates.Server);
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate -Echo").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            using var proxy = new FaultProxy(port, FaultRule.Pieces(), FaultRule.Pieces());
            using var client = new PowerShellHarness();
            client.SetVariable("ca", TestCertificates.CaPublic);
            ScriptResult result = client.Run(
                $"$s = Connect-Socket localhost {proxy.Port} -UseTls -TrustedCertificate $ca -AddressFamily IPv4 -Timeout 15000; " +
                "$s | Send-SocketData 'echo me' -Line; $s | Receive-SocketData -Line -Timeout 15000; $s | Close-Socket").ThrowOnError();
            Assert.Equal("echo me", result.Single<string>());
        }
    }
}
