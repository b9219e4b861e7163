using System;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.HealthChecks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>The TLS engine without PowerShell: certificate decisions, the facts, sessions over TLS, exact send accounting, the port checker.</summary>
    public class TlsEngineTests
    {
        private static X509Certificate2Collection Anchors(params X509Certificate2[] certificates) => new X509Certificate2Collection(certificates);

        private static CertificateVerdict Client(X509Certificate2 certificate, TlsClientOptions options, SslPolicyErrors errors = SslPolicyErrors.None) =>
            CertificateValidator.Evaluate(certificate, null, errors, options, isClient: true, serverName: "localhost");

        [Fact]
        public void ACertificateTheTrustedCaSignedPasses()
        {
            CertificateVerdict verdict = Client(TestCertificates.Server, new TlsClientOptions { TrustedCertificates = Anchors(TestCertificates.CaPublic) });
            Assert.True(verdict.Accepted);
            Assert.Null(verdict.ErrorId);
            Assert.True(verdict.Facts.ChainValid);
            Assert.Empty(verdict.Facts.ChainStatus);
            Assert.Equal("CN=localhost", verdict.Facts.Subject);
        }

        [Fact]
        public void WithoutTheCaInAnyStoreTheChainIsUntrusted()
        {
            CertificateVerdict verdict = Client(TestCertificates.Server, new TlsClientOptions());
            Assert.False(verdict.Accepted);
            Assert.Equal(ErrorIds.TlsUntrustedCertificate, verdict.ErrorId);
            Assert.False(verdict.Facts.ChainValid);
            Assert.NotEmpty(verdict.Facts.ChainStatus);
        }

        [Fact]
        public void AnAnchorThatIsNotInTheChainDoesNotHelp()
        {
            CertificateVerdict verdict = Client(TestCertificates.Server, new TlsClientOptions { TrustedCertificates = Anchors(TestCertificates.SelfSigned) });
            Assert.Equal(ErrorIds.TlsUntrustedCertificate, verdict.ErrorId);
        }

        [Fact]
        public void ExpiryWinsOverTheOtherProblems()
        {
            CertificateVerdict trusted = Client(TestCertificates.Expired, new TlsClientOptions { TrustedCertificates = Anchors(TestCertificates.CaPublic) });
            Assert.Equal(ErrorIds.TlsCertificateExpired, trusted.ErrorId);
            Assert.Equal(new[] { "NotTimeValid" }, trusted.Facts.ChainStatus);
            Assert.True(trusted.Facts.DaysUntilExpiry < 0);

            CertificateVerdict untrusted = Client(TestCertificates.Expired, new TlsClientOptions());
            Assert.Equal(ErrorIds.TlsCertificateExpired, untrusted.ErrorId);
        }

        [Fact]
        public void ANameMismatchIsReportedOnlyForAGoodChain()
        {
            var options = new TlsClientOptions { TrustedCertificates = Anchors(TestCertificates.CaPublic) };
            CertificateVerdict verdict = Client(TestCertificates.WrongName, options, SslPolicyErrors.RemoteCertificateNameMismatch);
            Assert.Equal(ErrorIds.TlsNameMismatch, verdict.ErrorId);
            Assert.False(verdict.Facts.NameMatches);
            Assert.True(verdict.Facts.ChainValid);
        }

        [Fact]
        public void SkippingTheCheckAcceptsButKeepsTheVerdict()
        {
            CertificateVerdict verdict = Client(TestCertificates.SelfSigned, new TlsClientOptions { SkipCertificateCheck = true });
            Assert.True(verdict.Accepted);
            Assert.Equal(ErrorIds.TlsUntrustedCertificate, verdict.ErrorId);
            Assert.Equal(ErrorIds.TlsUntrustedCertificate, verdict.Facts.CertificateError);
        }

        [Fact]
        public void AServerThatRequiresAClientCertificateRefusesNone()
        {
            var required = new TlsServerOptions(TestCertificates.Server) { RequireClientCertificate = true, SkipCertificateCheck = true };
            CertificateVerdict none = CertificateValidator.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, required, false, null);
            Assert.False(none.Accepted);
            Assert.Equal(ErrorIds.TlsClientCertificateRequired, none.ErrorId);

            var optional = new TlsServerOptions(TestCertificates.Server);
            Assert.True(CertificateValidator.Evaluate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, optional, false, null).Accepted);
        }

        [Fact]
        public void SubjectAlternativeNamesAreReadFromTheExtension()
        {
            Assert.Equal(new[] { "localhost", "127.0.0.1", "::1" }, CertificateFacts.SubjectAlternativeNames(TestCertificates.Server));
            Assert.Empty(CertificateFacts.SubjectAlternativeNames(TestCertificates.Client));
        }

        [Fact]
        public void ProtocolNamesAreTheSameOnEveryRuntime()
        {
            Assert.Equal("Tls13", TlsProtocols.Describe((System.Security.Authentication.SslProtocols)12288));
            Assert.Equal("Tls12", TlsProtocols.Describe(System.Security.Authentication.SslProtocols.Tls12));
            Assert.Equal((System.Security.Authentication.SslProtocols)(3072 | 12288), TlsProtocols.Combine(new[] { TlsProtocol.Tls12, TlsProtocol.Tls13 }));
            Assert.Equal(System.Security.Authentication.SslProtocols.None, TlsProtocols.Combine(null));
        }

        [Fact]
        public void ASessionConnectsOverTlsAndEveryByteComesBack()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server, afterHandshake: async (ssl, token) =>
            {
                var buffer = new byte[64 * 1024];
                int n;
                while ((n = await ssl.ReadAsync(buffer, token)) > 0)
                {
                    await ssl.WriteAsync(buffer.AsMemory(0, n), token);
                }
            });
            var session = TestSessions.CreateClient(new SocketSettings(), null, null);
            try
            {
                session.Connect("127.0.0.1", server.Port, 5000, new TlsClientOptions { TrustedCertificates = Anchors(TestCertificates.CaPublic) }, CancellationToken.None);
                Assert.Equal("Tls13", session.Tls!.Protocol);
                byte[] payload = RawPeer.RandomBytes(300_000, 5);
                session.Send(payload, 0, payload.Length, CancellationToken.None);
                byte[] echoed = session.GetReceiver().ReceiveExactly(payload.Length, Deadline.After(10_000), CancellationToken.None);
                Assert.Equal(payload, echoed);
                Assert.Equal(payload.Length, session.BytesSent);
                Assert.Equal(payload.Length, session.BytesReceived);
            }
            finally
            {
                session.Close();
            }
        }

        [Fact]
        public void ATlsSendThatTimesOutSaysHowManyBytesWentOut()
        {
            // The server reads the first 200,000 bytes, so some chunks surely go out, then stops reading.
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server, afterHandshake: async (ssl, token) =>
            {
                var buffer = new byte[16 * 1024];
                for (int total = 0; total < 200_000;)
                {
                    total += await ssl.ReadAsync(buffer, token);
                }

                await Task.Delay(-1, token);
            });
            var session = TestSessions.CreateClient(new SocketSettings { SendTimeout = 1000, SendBufferSize = 16 * 1024 }, null, null);
            try
            {
                session.Connect("127.0.0.1", server.Port, 5000, new TlsClientOptions { SkipCertificateCheck = true }, CancellationToken.None);
                byte[] payload = new byte[32 * 1024 * 1024];
                SendIncompleteException error = Assert.Throws<SendIncompleteException>(() => session.Send(payload, 0, payload.Length, CancellationToken.None));
                Assert.InRange(error.BytesSent, 3 * 64 * 1024, payload.Length - 1);
                Assert.Equal(0, error.BytesSent % (64 * 1024));
                Assert.Equal(error.BytesSent, session.BytesSent);
            }
            finally
            {
                session.Close();
            }
        }

        [Fact]
        public void ThePortCheckerReportsAnOpenPortAndNeverFaults()
        {
            using Socket listener = RawPeer.Listen();
            var checker = new PortChecker(new PortCheckOptions { Timeout = 5000 }, 4, CancellationToken.None);
            PortCheckResult open = checker.Check("127.0.0.1", RawPeer.PortOf(listener)).Result;
            Assert.Equal(PortStatus.Open, open.Status);

            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Task<PortCheckResult> stopped = new PortChecker(new PortCheckOptions(), 1, cancelled.Token).Check("127.0.0.1", RawPeer.PortOf(listener));
            Assert.Equal(TaskStatus.RanToCompletion, stopped.ContinueWith(t => t.Status).Result);
            Assert.False(stopped.Result.Success);
        }
    }
}
