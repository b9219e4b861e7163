using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;
using PSSocket.Tls;

namespace PSSocket.Binding
{
    /// <summary>Turns the TLS parameters that several cmdlets share into the engine's options. Failures are SocketSessionExceptions.</summary>
    internal static class TlsParameters
    {
        /// <summary>Stops with TlsNotRequested when a TLS-only parameter is bound but TLS is not asked for.</summary>
        public static void RequireTls(PSCmdlet cmdlet, bool tlsRequested, string howToRequest, params string[] tlsOnly)
        {
            if (tlsRequested)
            {
                return;
            }

            string[] bound = tlsOnly.Where(cmdlet.MyInvocation.BoundParameters.ContainsKey).ToArray();
            if (bound.Length > 0)
            {
                throw new SocketSessionException(
                    ErrorIds.TlsNotRequested,
                    $"-{string.Join(", -", bound)} {(bound.Length == 1 ? "applies" : "apply")} only to TLS; add {howToRequest}.",
                    bound[0]);
            }
        }

        public static TlsClientOptions Client(
            PSCmdlet cmdlet,
            string? serverName,
            bool skipCertificateCheck,
            X509Certificate2[]? trustedCertificates,
            X509Certificate2? clientCertificate,
            string? clientCertificatePath,
            SecureString? clientCertificatePassword,
            TlsProtocol[]? protocols,
            string? clientCertificateKeyPath = null,
            string[]? trustedCertificatePaths = null)
        {
            if (clientCertificate != null && clientCertificatePath != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ConflictingParameters, "Give the client certificate either as -ClientCertificate or as -ClientCertificatePath, not both.", clientCertificatePath);
            }

            if (clientCertificatePath != null)
            {
                clientCertificate = CertificateLoader.Load(
                    Resolve(cmdlet, clientCertificatePath), ResolveOptional(cmdlet, clientCertificateKeyPath), clientCertificatePassword, needPrivateKey: true);
            }
            else if (clientCertificate != null)
            {
                CertificateLoader.RequirePrivateKey(clientCertificate, clientCertificate);
            }

            return new TlsClientOptions
            {
                ServerName = string.IsNullOrEmpty(serverName) ? null : serverName,
                SkipCertificateCheck = skipCertificateCheck,
                TrustedCertificates = Trusted(cmdlet, trustedCertificates, trustedCertificatePaths),
                ClientCertificate = clientCertificate,
                Protocols = TlsProtocols.Combine(protocols),
            };
        }

        public static TlsServerOptions Server(
            PSCmdlet cmdlet,
            X509Certificate2? certificate,
            string? certificatePath,
            SecureString? certificatePassword,
            bool requireClientCertificate,
            bool skipCertificateCheck,
            X509Certificate2[]? trustedCertificates,
            TlsProtocol[]? protocols,
            string? keyPath = null,
            string[]? trustedCertificatePaths = null)
        {
            if (certificate != null && certificatePath != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ConflictingParameters, "Give the server certificate either as -Certificate or as -CertificatePath, not both.", certificatePath);
            }

            if (certificatePath != null)
            {
                certificate = CertificateLoader.Load(Resolve(cmdlet, certificatePath), ResolveOptional(cmdlet, keyPath), certificatePassword, needPrivateKey: true);
            }
            else
            {
                CertificateLoader.RequirePrivateKey(certificate!, certificate!);
            }

            return new TlsServerOptions(certificate!)
            {
                RequireClientCertificate = requireClientCertificate,
                SkipCertificateCheck = skipCertificateCheck,
                TrustedCertificates = Trusted(cmdlet, trustedCertificates, trustedCertificatePaths),
                Protocols = TlsProtocols.Combine(protocols),
            };
        }

        private static string? ResolveOptional(PSCmdlet cmdlet, string? path) => path == null ? null : Resolve(cmdlet, path);

        /// <summary>The -TrustedCertificate objects and every certificate of the -TrustedCertificatePath files (PEM bundles or DER).</summary>
        private static X509Certificate2Collection? Trusted(PSCmdlet cmdlet, X509Certificate2[]? certificates, string[]? paths)
        {
            X509Certificate2Collection? trusted = Collection(certificates);
            foreach (string path in paths ?? new string[0])
            {
                trusted ??= new X509Certificate2Collection();
                trusted.AddRange(PemCertificates.LoadBundle(Resolve(cmdlet, path)));
            }

            return trusted;
        }

        private static string Resolve(PSCmdlet cmdlet, string path) => cmdlet.GetUnresolvedProviderPathFromPSPath(path);

        private static X509Certificate2Collection? Collection(X509Certificate2[]? certificates) =>
            certificates == null || certificates.Length == 0 ? null : new X509Certificate2Collection(certificates);
    }
}
