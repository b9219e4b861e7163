using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PSSocket.Errors;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// -RevocationMode: NoCheck reports NotChecked; Offline without a cached CRL reports Unknown and does not fail;
    /// a certificate its CA revoked fails with TlsCertificateRevoked. The CRL is served over HTTP on loopback (the
    /// Online mode's fetch); no other network is used.
    /// </summary>
    public class RevocationTests
    {
        private static CertificateVerdict Check(X509Certificate2 peer, X509Certificate2 anchor, X509RevocationMode mode) =>
            CertificateValidator.Evaluate(
                peer,
                null,
                SslPolicyErrors.None,
                new TlsClientOptions { TrustedCertificates = new X509Certificate2Collection(anchor), RevocationMode = mode },
                isClient: true,
                serverName: "localhost");

        [Fact]
        public void WithoutAModeRevocationIsNotChecked()
        {
            CertificateVerdict verdict = Check(TestCertificates.Server, TestCertificates.CaPublic, X509RevocationMode.NoCheck);

            Assert.Equal("NotChecked", verdict.Facts.RevocationStatus);
            Assert.Null(verdict.ErrorId);
        }

        [Fact]
        public void OfflineWithoutACachedCrlIsUnknownAndPasses()
        {
            CertificateVerdict verdict = Check(TestCertificates.Server, TestCertificates.CaPublic, X509RevocationMode.Offline);

            Assert.Equal("Unknown", verdict.Facts.RevocationStatus);
            Assert.Null(verdict.ErrorId);
            Assert.True(verdict.Facts.ChainValid);
            Assert.True(verdict.Accepted);
        }

        [Fact]
        public void ARevokedCertificateFailsAndAGoodOnePasses()
        {
            byte[]? crl = null;
            using var http = new LoopbackServer(async (socket, token) =>
            {
                await LoopbackServer.ReadLine(socket, token);
                byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {crl!.Length}\r\n\r\n");
                await socket.SendAsync(head, SocketFlags.None, token);
                await socket.SendAsync(crl, SocketFlags.None, token);
                socket.Shutdown(SocketShutdown.Send);
            });
            string distributionPoint = $"http://127.0.0.1:{http.Port}/{Guid.NewGuid():N}.crl";
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=PSSocket Revoking CA " + Guid.NewGuid().ToString("N"), caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-10), now.AddYears(1));

            X509Certificate2 revoked = Leaf(ca, "CN=localhost revoked", distributionPoint, now, 0x11);
            X509Certificate2 good = Leaf(ca, "CN=localhost good", distributionPoint, now, 0x22);
            var builder = new CertificateRevocationListBuilder();
            builder.AddEntry(revoked, now.AddHours(-1), X509RevocationReason.KeyCompromise);
            crl = builder.Build(ca, BigInteger.One, now.AddDays(7), HashAlgorithmName.SHA256);

            var anchor = X509CertificateLoader.LoadCertificate(ca.RawData);
            CertificateVerdict bad = Check(revoked, anchor, X509RevocationMode.Online);
            Assert.Equal("Revoked", bad.Facts.RevocationStatus);
            Assert.Equal(ErrorIds.TlsCertificateRevoked, bad.ErrorId);
            Assert.False(bad.Accepted);

            CertificateVerdict fine = Check(good, anchor, X509RevocationMode.Online);
            Assert.Equal("Good", fine.Facts.RevocationStatus);
            Assert.Null(fine.ErrorId);
        }

        private static X509Certificate2 Leaf(X509Certificate2 ca, string subject, string distributionPoint, DateTimeOffset now, byte serial)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(new[] { distributionPoint }));
            return request.Create(ca, now.AddDays(-1), now.AddDays(30), new byte[] { serial, 1, 2, 3 });
        }
    }
}
