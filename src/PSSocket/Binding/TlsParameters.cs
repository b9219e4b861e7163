using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;
using PSSocket.Tls;
using Catalog = PSSocket.Binding.TlsParameterCatalog;

namespace PSSocket.Binding
{
    /// <summary>Turns the shared TLS parameters a cmdlet was given into the engine's options. Failures are SocketSessionExceptions.</summary>
    internal static class TlsParameters
    {
        /// <summary>Stops with TlsNotRequested when a TLS-only parameter is given but TLS is not asked for.</summary>
        public static void RequireTls(PSCmdlet cmdlet, bool tlsRequested, string howToRequest, params string[] tlsOnly) =>
            OptionRules.Check(OptionRules.TlsRequired, new OptionFacts(cmdlet) { Tls = tlsRequested, TlsOnly = tlsOnly, TlsRequest = howToRequest });

        /// <summary>The names of the shared TLS parameters <paramref name="values"/> offers, but those that ask for TLS themselves.</summary>
        public static string[] TlsOnly(SharedParameterValues values, params SharedParameter[] requesting) =>
            values.Declared.Intersect(TlsParameterCatalog.All).Except(requesting).Select(p => p.Name).ToArray();

        public static TlsClientOptions Client(PSCmdlet cmdlet, SharedParameterValues values)
        {
            X509Certificate2? clientCertificate = values.Get<X509Certificate2?>(Catalog.ClientCertificate, null);
            string? clientCertificatePath = values.Get<string?>(Catalog.ClientCertificatePath, null);
            OptionRules.Check(OptionRules.TlsClientIdentity, new OptionFacts(cmdlet) { Target = clientCertificatePath });

            if (clientCertificatePath != null)
            {
                clientCertificate = CertificateLoader.Load(
                    Resolve(cmdlet, clientCertificatePath),
                    ResolveOptional(cmdlet, values.Get<string?>(Catalog.ClientCertificateKeyPath, null)),
                    values.Get<SecureString?>(Catalog.ClientCertificatePassword, null),
                    needPrivateKey: true);
            }
            else if (clientCertificate != null)
            {
                CertificateLoader.RequirePrivateKey(clientCertificate, clientCertificate);
            }

            string? serverName = values.Get<string?>(Catalog.ServerName, null);
            return new TlsClientOptions
            {
                ServerName = string.IsNullOrEmpty(serverName) ? null : serverName,
                SkipCertificateCheck = values.Switch(Catalog.SkipCertificateCheck),
                TrustedCertificates = Trusted(cmdlet, values),
                ClientCertificate = clientCertificate,
                Protocols = TlsProtocols.Combine(values.Get<TlsProtocol[]?>(Catalog.TlsProtocol, null)),
                RevocationMode = values.Get(Catalog.RevocationMode, X509RevocationMode.NoCheck),
            };
        }

        public static TlsServerOptions Server(PSCmdlet cmdlet, SharedParameterValues values)
        {
            X509Certificate2? certificate = values.Get<X509Certificate2?>(Catalog.Certificate, null);
            string? certificatePath = values.Get<string?>(Catalog.CertificatePath, null);
            OptionRules.Check(OptionRules.TlsServerIdentity, new OptionFacts(cmdlet) { Target = certificatePath });

            if (certificatePath != null)
            {
                certificate = CertificateLoader.Load(
                    Resolve(cmdlet, certificatePath),
                    ResolveOptional(cmdlet, values.Get<string?>(Catalog.KeyPath, null)),
                    values.Get<SecureString?>(Catalog.CertificatePassword, null),
                    needPrivateKey: true);
            }
            else
            {
                CertificateLoader.RequirePrivateKey(certificate!, certificate!);
            }

            return new TlsServerOptions(certificate!)
            {
                RequireClientCertificate = values.Switch(Catalog.RequireClientCertificate),
                SkipCertificateCheck = values.Switch(Catalog.SkipCertificateCheck),
                TrustedCertificates = Trusted(cmdlet, values),
                Protocols = TlsProtocols.Combine(values.Get<TlsProtocol[]?>(Catalog.TlsProtocol, null)),
                RevocationMode = values.Get(Catalog.RevocationMode, X509RevocationMode.NoCheck),
            };
        }

        private static string? ResolveOptional(PSCmdlet cmdlet, string? path) => path == null ? null : Resolve(cmdlet, path);

        /// <summary>The -TrustedCertificate objects and every certificate of the -TrustedCertificatePath files (PEM bundles or DER).</summary>
        private static X509Certificate2Collection? Trusted(PSCmdlet cmdlet, SharedParameterValues values)
        {
            X509Certificate2[]? certificates = values.Get<X509Certificate2[]?>(Catalog.TrustedCertificate, null);
            X509Certificate2Collection? trusted = certificates == null || certificates.Length == 0 ? null : new X509Certificate2Collection(certificates);
            foreach (string path in values.Get<string[]?>(Catalog.TrustedCertificatePath, null) ?? new string[0])
            {
                trusted ??= new X509Certificate2Collection();
                trusted.AddRange(PemCertificates.LoadBundle(Resolve(cmdlet, path)));
            }

            return trusted;
        }

        private static string Resolve(PSCmdlet cmdlet, string path) => cmdlet.GetUnresolvedProviderPathFromPSPath(path);
    }
}
