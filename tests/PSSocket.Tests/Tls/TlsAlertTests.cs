using System.Linq;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>A peer's TLS alert is the error's cause: its own id, its words in the message, and the session closes.</summary>
    public class TlsAlertTests : CmdletTestBase
    {
        public TlsAlertTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PS.SetVariable("clientCertificate", TestCertificates.Client);
        }

        [OpenSslFact]
        public void AServerThatDoesNotKnowTheClientCertificatesIssuerIsTlsUnknownCertificateAuthority()
        {
            int port = OpenSsl.FreePort();
            // The server trusts only its own certificate as a CA, so the client's certificate (issued by the test CA) is unknown.
            using OpenSsl server = OpenSsl.Start(
                "s_server", "-accept", $"127.0.0.1:{port}", "-cert", "server.pem", "-key", "server.key", "-naccept", "1",
                "-Verify", "1", "-CAfile", "server.pem", "-verify_return_error", "-tls1_2");
            server.WaitForListener(port);

            ScriptResult result = PS.Run(
                $"Connect-Socket 127.0.0.1 {port} -UseTls -TrustedCertificate $ca -ClientCertificate $clientCertificate -Timeout 10000");
            Assert.Equal(new[] { "TlsUnknownCertificateAuthority" }, result.ErrorIds);
            string message = result.AllErrors.Single().Exception.Message;
            Assert.Contains("unknown ca", message);
            Assert.DoesNotContain("..", message);
        }

        [OpenSslFact]
        public void ACertificateRequiredAlertAfterATls13HandshakeIsTlsClientCertificateRequiredAndClosesTheSession()
        {
            int port = OpenSsl.FreePort();
            using OpenSsl server = OpenSsl.Start(
                "s_server", "-accept", $"127.0.0.1:{port}", "-cert", "server.pem", "-key", "server.key", "-naccept", "1", "-rev",
                "-Verify", "1", "-CAfile", "ca.pem", "-tls1_3");
            server.WaitForListener(port);

            ScriptResult received = PS.Run(
                $"$s = Connect-Socket 127.0.0.1 {port} -UseTls -TrustedCertificate $ca -Timeout 10000; $s | Receive-SocketData -Timeout 10000");
            Assert.Equal(new[] { "TlsClientCertificateRequired" }, received.ErrorIds);
            string message = received.AllErrors.Single().Exception.Message;
            Assert.Contains("certificate required", message);
            Assert.DoesNotContain("..", message);
            Assert.Equal("Closed", PS.Run("$s.State.ToString()").Output.Single().BaseObject);

            ScriptResult sent = PS.Run("$s | Send-SocketData 'more'");
            Assert.Equal(new[] { "SessionClosed" }, sent.ErrorIds);
        }
    }
}
