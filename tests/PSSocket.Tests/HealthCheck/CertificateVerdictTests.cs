using System.IO;
using System.Linq;
using PSSocket.HealthChecks;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Tls;
using Xunit;

namespace PSSocket.Tests.HealthCheck
{
    /// <summary>Test-SocketPort's certificate verdicts: a status per certificate problem, and -MinimumDaysValid.</summary>
    public class CertificateVerdictTests : CmdletTestBase
    {
        private static string Ca => Path.Combine(TestCertificates.Directory, "ca.pem");

        private static PortCheckResult Only(ScriptResult result) => result.Single<PortCheckResult>();

        [Fact]
        public void EachCertificateProblemHasItsOwnStatus()
        {
            using LoopbackServer wrongName = LoopbackServer.Tls(TestCertificates.WrongName);
            using LoopbackServer expired = LoopbackServer.Tls(TestCertificates.Expired);
            using LoopbackServer selfSigned = LoopbackServer.Tls(TestCertificates.SelfSigned);
            var results = PS.Run(
                $"Test-SocketPort 127.0.0.1 {wrongName.Port},{expired.Port},{selfSigned.Port} -UseTls -TrustedCertificatePath '{Ca}' -Timeout 5000")
                .ThrowOnError().All<PortCheckResult>();

            Assert.Equal(
                new[] { PortStatus.CertificateNameMismatch, PortStatus.CertificateExpired, PortStatus.CertificateUntrusted },
                results.Select(r => r.Status));
            Assert.Equal(new[] { "TlsNameMismatch", "TlsCertificateExpired", "TlsUntrustedCertificate" }, results.Select(r => r.ErrorId));
            Assert.All(results, r => Assert.False(r.Success));
        }

        [Fact]
        public void ACertificateThatExpiresWithinTheThresholdIsExpiring()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            PortCheckResult fine = Only(PS.Run($"Test-SocketPort 127.0.0.1 {server.Port} -UseTls -TrustedCertificatePath '{Ca}' -MinimumDaysValid 30 -Timeout 5000"));
            Assert.Equal(PortStatus.Open, fine.Status);

            PortCheckResult expiring = Only(PS.Run($"Test-SocketPort 127.0.0.1 {server.Port} -UseTls -TrustedCertificatePath '{Ca}' -MinimumDaysValid 120 -Timeout 5000"));
            Assert.Equal(PortStatus.CertificateExpiring, expiring.Status);
            Assert.Equal("CertificateExpiring", expiring.ErrorId);
            Assert.False(expiring.Success);
            Assert.Contains("120", expiring.Message);

            var quiet = PS.Run($"Test-SocketPort 127.0.0.1 {server.Port} -UseTls -TrustedCertificatePath '{Ca}' -CertificateExpiryDays 120 -Quiet -Timeout 5000").ThrowOnError();
            Assert.False(quiet.Single<bool>());
        }

        [Fact]
        public void TheThresholdStillAppliesWhenTheCheckIsSkipped()
        {
            using LoopbackServer expired = LoopbackServer.Tls(TestCertificates.Expired);
            PortCheckResult result = Only(PS.Run($"Test-SocketPort 127.0.0.1 {expired.Port} -UseTls -SkipCertificateCheck -MinimumDaysValid 14 -Timeout 5000"));

            Assert.Equal(PortStatus.CertificateExpired, result.Status);
            Assert.Equal("TlsCertificateExpired", result.ErrorId);
        }

        [Fact]
        public void TheThresholdNeedsTls()
        {
            var run = PS.Run("Test-SocketPort 127.0.0.1 1 -MinimumDaysValid 14");
            Assert.Equal(new[] { "TlsNotRequested" }, run.ErrorIds);
        }
    }
}
