using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// Certificates made for the tests, once per run: a CA, and certificates it signs (a server certificate for
    /// localhost, 127.0.0.1 and ::1; a client certificate; an expired one; one for another name), plus a
    /// self-signed one. No machine store is touched: the tests trust the CA with -TrustedCertificate. The PEM
    /// files are for openssl.
    /// </summary>
    public static class TestCertificates
    {
        private static readonly Lazy<Set> All = new Lazy<Set>(Make);

        /// <summary>The CA, with its key (the tests use only its public part for trust).</summary>
        public static X509Certificate2 Ca => All.Value.Ca;

        /// <summary>The CA without its private key: what a user would pass to -TrustedCertificate.</summary>
        public static X509Certificate2 CaPublic => All.Value.CaPublic;

        public static X509Certificate2 Server => All.Value.Server;

        public static X509Certificate2 Client => All.Value.Client;

        public static X509Certificate2 Expired => All.Value.Expired;

        /// <summary>Signed by the CA for wrong.pssocket.test only.</summary>
        public static X509Certificate2 WrongName => All.Value.WrongName;

        public static X509Certificate2 SelfSigned => All.Value.SelfSigned;

        /// <summary>A folder with ca.pem, server.pem/server.key, client.pem/client.key and server.pfx (password "test").</summary>
        public static string Directory => All.Value.Directory;

        public static string PfxPassword => "test";

        private static Set Make()
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=PSSocket Test CA, O=PSSocket Tests", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-400), now.AddYears(5));

            var set = new Set
            {
                Ca = ca,
                CaPublic = X509CertificateLoader.LoadCertificate(ca.RawData),
                Server = Leaf(ca, "CN=localhost", ServerAuth, now.AddDays(-1), now.AddDays(90), "localhost", "127.0.0.1", "::1"),
                Client = Leaf(ca, "CN=pssocket-client", ClientAuth, now.AddDays(-1), now.AddDays(90)),
                Expired = Leaf(ca, "CN=localhost expired", ServerAuth, now.AddDays(-60), now.AddDays(-2), "localhost", "127.0.0.1"),
                WrongName = Leaf(ca, "CN=wrong.pssocket.test", ServerAuth, now.AddDays(-1), now.AddDays(90), "wrong.pssocket.test"),
                SelfSigned = SelfSignedLeaf(now),
                Directory = Path.Combine(Path.GetTempPath(), "pssocket-tls-" + Environment.ProcessId),
            };

            System.IO.Directory.CreateDirectory(set.Directory);
            AppDomain.CurrentDomain.ProcessExit += (sender, e) =>
            {
                try
                {
                    System.IO.Directory.Delete(set.Directory, recursive: true);
                }
                catch (IOException)
                {
                    // A file still open by an openssl that is being killed; the folder is in the temp folder anyway.
                }
            };
            File.WriteAllText(Path.Combine(set.Directory, "ca.pem"), set.Ca.ExportCertificatePem());
            WritePem(set.Server, Path.Combine(set.Directory, "server"));
            WritePem(set.Client, Path.Combine(set.Directory, "client"));
            File.WriteAllBytes(Path.Combine(set.Directory, "server.pfx"), set.Server.Export(X509ContentType.Pfx, PfxPassword));
            File.WriteAllBytes(Path.Combine(set.Directory, "client.pfx"), set.Client.Export(X509ContentType.Pfx, PfxPassword));
            return set;
        }

        private static readonly Oid ServerAuth = new Oid("1.3.6.1.5.5.7.3.1");
        private static readonly Oid ClientAuth = new Oid("1.3.6.1.5.5.7.3.2");

        private static X509Certificate2 Leaf(X509Certificate2 issuer, string subject, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { usage }, false));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            if (names.Length > 0)
            {
                request.CertificateExtensions.Add(SubjectAlternativeNames(names));
            }

            byte[] serial = new byte[16];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7f;
            using X509Certificate2 signed = request.Create(issuer, notBefore, notAfter, serial);
            using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
            return Reload(withKey);
        }

        private static X509Certificate2 SelfSignedLeaf(DateTimeOffset now)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost self-signed", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { ServerAuth }, false));
            request.CertificateExtensions.Add(SubjectAlternativeNames(new[] { "localhost", "127.0.0.1" }));
            using X509Certificate2 made = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
            return Reload(made);
        }

        private static X509Extension SubjectAlternativeNames(string[] names)
        {
            var builder = new SubjectAlternativeNameBuilder();
            foreach (string name in names)
            {
                if (IPAddress.TryParse(name, out IPAddress? address))
                {
                    builder.AddIpAddress(address);
                }
                else
                {
                    builder.AddDnsName(name);
                }
            }

            return builder.Build();
        }

        /// <summary>Through PFX and back, so the key is usable by SslStream on every platform.</summary>
        private static X509Certificate2 Reload(X509Certificate2 certificate) =>
            X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);

        private static void WritePem(X509Certificate2 certificate, string basePath)
        {
            File.WriteAllText(basePath + ".pem", certificate.ExportCertificatePem());
            using ECDsa key = certificate.GetECDsaPrivateKey()!;
            File.WriteAllText(basePath + ".key", key.ExportPkcs8PrivateKeyPem());
        }

        private sealed class Set
        {
            public X509Certificate2 Ca = null!;
            public X509Certificate2 CaPublic = null!;
            public X509Certificate2 Server = null!;
            public X509Certificate2 Client = null!;
            public X509Certificate2 Expired = null!;
            public X509Certificate2 WrongName = null!;
            public X509Certificate2 SelfSigned = null!;
            public string Directory = null!;
        }
    }
}
