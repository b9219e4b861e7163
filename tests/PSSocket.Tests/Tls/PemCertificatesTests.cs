using System;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// Certificates and keys from PEM files (the runtime's importers reached by reflection): key in the same file or
    /// its own, PKCS#8, SEC1 and encrypted PKCS#8 keys, bundles of trust anchors, and the error id of each bad file.
    /// </summary>
    public sealed class PemCertificatesTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "pss-pem-" + Guid.NewGuid().ToString("N").Substring(0, 10));

        public PemCertificatesTests()
        {
            Directory.CreateDirectory(_folder);
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private static string Shared(string name) => Path.Combine(TestCertificates.Directory, name);

        private string Write(string name, string text)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllText(path, text);
            return path;
        }

        private static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text)
            {
                secure.AppendChar(c);
            }

            return secure;
        }

        private static string ServerKeyPem()
        {
            using ECDsa key = TestCertificates.Server.GetECDsaPrivateKey()!;
            return key.ExportPkcs8PrivateKeyPem();
        }

        [Fact]
        public void LoadsTheCertificateWithItsKeyFromTwoFiles()
        {
            using X509Certificate2 loaded = CertificateLoader.Load(Shared("server.pem"), Shared("server.key"), null, needPrivateKey: true);

            Assert.True(loaded.HasPrivateKey);
            Assert.Equal(TestCertificates.Server.Thumbprint, loaded.Thumbprint);
        }

        [Fact]
        public void LoadsTheKeyFromTheCertificatesOwnFileWithAChainAfterIt()
        {
            string both = Write("both.pem", TestCertificates.Server.ExportCertificatePem() + "\n" + TestCertificates.CaPublic.ExportCertificatePem() + "\n" + ServerKeyPem());

            using X509Certificate2 loaded = CertificateLoader.Load(both, null, null, needPrivateKey: true);

            Assert.True(loaded.HasPrivateKey);
            Assert.Equal(TestCertificates.Server.Thumbprint, loaded.Thumbprint);
        }

        [Fact]
        public void LoadsASec1EcKey()
        {
            using ECDsa key = TestCertificates.Server.GetECDsaPrivateKey()!;
            string keyPath = Write("sec1.key", key.ExportECPrivateKeyPem());

            using X509Certificate2 loaded = CertificateLoader.Load(Shared("server.pem"), keyPath, null, needPrivateKey: true);

            Assert.True(loaded.HasPrivateKey);
        }

        [Fact]
        public void DecryptsAnEncryptedPkcs8KeyWithThePassword()
        {
            using ECDsa key = TestCertificates.Server.GetECDsaPrivateKey()!;
            var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);
            string keyPath = Write("enc.key", key.ExportEncryptedPkcs8PrivateKeyPem("s3cret", pbe));

            using X509Certificate2 loaded = CertificateLoader.Load(Shared("server.pem"), keyPath, Secure("s3cret"), needPrivateKey: true);
            Assert.True(loaded.HasPrivateKey);

            AssertId(ErrorIds.CertificatePasswordRequired, () => CertificateLoader.Load(Shared("server.pem"), keyPath, null, true));
            AssertId(ErrorIds.CertificateLoadFailed, () => CertificateLoader.Load(Shared("server.pem"), keyPath, Secure("wrong"), true));
        }

        [Fact]
        public void ACertificateAloneIsEnoughWhenNoKeyIsNeeded()
        {
            using X509Certificate2 loaded = CertificateLoader.Load(Shared("server.pem"), null, null, needPrivateKey: false);

            Assert.False(loaded.HasPrivateKey);
        }

        [Fact]
        public void AMissingKeyIsCertificateKeyMissing()
        {
            AssertId(ErrorIds.CertificateKeyMissing, () => CertificateLoader.Load(Shared("server.pem"), null, null, true));
            AssertId(ErrorIds.CertificateKeyMissing, () => CertificateLoader.Load(Shared("server.pem"), Shared("ca.pem"), null, true));
        }

        [Fact]
        public void AnotherCertificatesKeyIsCertificateKeyMismatch()
        {
            AssertId(ErrorIds.CertificateKeyMismatch, () => CertificateLoader.Load(Shared("server.pem"), Shared("client.key"), null, true));

            using RSA rsa = RSA.Create(2048);
            string rsaKey = Write("rsa.key", rsa.ExportRSAPrivateKeyPem());
            AssertId(ErrorIds.CertificateKeyMismatch, () => CertificateLoader.Load(Shared("server.pem"), rsaKey, null, true));
        }

        [Fact]
        public void UnsupportedFilesAreCertificateFormatUnsupported()
        {
            string legacy = Write("legacy.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
            AssertId(ErrorIds.CertificateFormatUnsupported, () => CertificateLoader.Load(Shared("server.pem"), legacy, null, true));

            string text = Write("notes.txt", "not a certificate");
            AssertId(ErrorIds.CertificateFormatUnsupported, () => CertificateLoader.Load(text, null, null, true));

            string keyOnly = Write("key-only.pem", ServerKeyPem());
            AssertId(ErrorIds.CertificateFormatUnsupported, () => CertificateLoader.Load(keyOnly, null, null, true));

            AssertId(ErrorIds.CertificateFormatUnsupported, () => CertificateLoader.Load(Path.Combine(TestCertificates.Directory, "server.pfx"), Shared("server.key"), null, true));
        }

        [Fact]
        public void AMissingFileIsPathNotFound()
        {
            AssertId(ErrorIds.PathNotFound, () => CertificateLoader.Load(Path.Combine(_folder, "none.pem"), null, null, true));
            AssertId(ErrorIds.PathNotFound, () => CertificateLoader.Load(Shared("server.pem"), Path.Combine(_folder, "none.key"), null, true));
        }

        [Fact]
        public void ABundleGivesEveryCertificate()
        {
            string bundle = Write("bundle.pem", TestCertificates.CaPublic.ExportCertificatePem() + "\n" + TestCertificates.SelfSigned.ExportCertificatePem() + "\n");

            X509Certificate2Collection anchors = PemCertificates.LoadBundle(bundle);

            Assert.Equal(2, anchors.Count);
            Assert.Equal(TestCertificates.CaPublic.Thumbprint, anchors[0].Thumbprint);
            Assert.Equal(TestCertificates.SelfSigned.Thumbprint, anchors[1].Thumbprint);

            string der = Path.Combine(_folder, "ca.cer");
            File.WriteAllBytes(der, TestCertificates.CaPublic.RawData);
            Assert.Single(PemCertificates.LoadBundle(der));

            AssertId(ErrorIds.CertificateFormatUnsupported, () => PemCertificates.LoadBundle(Write("keys.pem", ServerKeyPem())));
        }

        private static void AssertId(string id, Action load)
        {
            var error = Assert.ThrowsAny<SocketSessionException>(load);
            Assert.Equal(id, error.ErrorId);
        }
    }
}
