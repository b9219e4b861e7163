using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.HealthChecks;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Tls;
using Xunit;

namespace PSSocket.Tests.HealthCheck
{
    /// <summary>Test-SocketPort and Connect-Socket -StartTls through the hosted engine, against an SMTP peer that upgrades.</summary>
    public class StartTlsCheckTests : CmdletTestBase
    {
        private static string Ca => Path.Combine(TestCertificates.Directory, "ca.pem");

        /// <summary>Greets, offers STARTTLS after EHLO, says 220 to STARTTLS, then does the TLS server handshake and echoes lines.</summary>
        private static LoopbackServer SmtpPeer() => new LoopbackServer(async (socket, token) =>
        {
            await LoopbackServer.Send(socket, "220 mail.test ESMTP\r\n", token);
            await LoopbackServer.ReadLine(socket, token);
            await LoopbackServer.Send(socket, "250-mail.test\r\n250 STARTTLS\r\n", token);
            await LoopbackServer.ReadLine(socket, token);
            await LoopbackServer.Send(socket, "220 go ahead\r\n", token);
            using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
            await ssl.AuthenticateAsServerAsync(TestCertificates.Server);
            await LoopbackServer.EchoLines(ssl, token);
        });

        [Fact]
        public void TestSocketPortChecksTheCertificateBehindStartTls()
        {
            using LoopbackServer server = SmtpPeer();
            PortCheckResult result = PS.Run($"Test-SocketPort 127.0.0.1 {server.Port} -StartTls Smtp -TrustedCertificatePath '{Ca}' -MinimumDaysValid 30 -Timeout 5000")
                .ThrowOnError().Single<PortCheckResult>();

            Assert.Equal(PortStatus.Open, result.Status);
            Assert.Equal("Smtp", result.StartTls);
            Assert.Equal(TestCertificates.Server.Thumbprint, result.CertificateThumbprint);
        }

        [Fact]
        public void ConnectSocketSpeaksTlsAfterTheUpgrade()
        {
            using LoopbackServer server = SmtpPeer();
            var run = PS.Run(
                $"$s = Connect-Socket 127.0.0.1 {server.Port} -StartTls Smtp -TrustedCertificatePath '{Ca}' -Timeout 5000; " +
                "$s.Tls.Subject; $s | Send-SocketData \"hello`n\" -PassThru | Receive-SocketData -Line -Timeout 5000; $s | Close-Socket")
                .ThrowOnError();

            Assert.Equal(new[] { "CN=localhost", "HELLO" }, run.All<string>());
        }

        [Fact]
        public void APeerThatDoesNotOfferStartTlsIsStartTlsFailed()
        {
            using LoopbackServer server = ScriptedPeer.Start(new System.Collections.Concurrent.ConcurrentQueue<string>(), "> 220 mail.test", "<", "> 250-mail.test", "> 250 8BITMIME");
            PortCheckResult result = PS.Run($"Test-SocketPort 127.0.0.1 {server.Port} -StartTls Smtp -Timeout 5000").ThrowOnError().Single<PortCheckResult>();

            Assert.Equal(PortStatus.StartTlsFailed, result.Status);
            Assert.Equal("StartTlsNotOffered", result.ErrorId);

            var connect = PS.Run($"Connect-Socket 127.0.0.1 {server.Port} -StartTls Smtp -Timeout 5000");
            Assert.Equal(new[] { "StartTlsNotOffered" }, connect.ErrorIds);
        }
    }
}
