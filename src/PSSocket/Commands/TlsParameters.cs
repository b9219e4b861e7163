using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;
using PSSocket.Tls;

namespace PSSocket.Commands
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
            TlsProtocol[]? protocols)
        {
            if (clientCertificate != null && clientCertificatePath != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ConflictingParameters, "Give the client certificate either as -ClientCertificate or as -ClientCertificatePath, not both.", clientCertificatePath);
            }

            if (clientCertificatePath != null)
            {
                clientCertificate = CertificateLoader.LoadPfx(Resolve(cmdlet, clientCertificatePath), clientCertificatePassword, needPrivateKey: true);
            }
            else if (clientCertificate != null)
            {
                CertificateLoader.RequirePrivateKey(clientCertificate, clientCertificate);
            }

            return new TlsClientOptions
            {
                ServerName = string.IsNullOrEmpty(serverName) ? null : serverName,
                SkipCertificateCheck = skipCertificateCheck,
                TrustedCertificates = Collection(trustedCertificates),
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
            TlsProtocol[]? protocols)
        {
            if (certificate != null && certificatePath != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ConflictingParameters, "Give the server certificate either as -Certificate or as -CertificatePath, not both.", certificatePath);
            }

            if (certificatePath != null)
            {
                certificate = CertificateLoader.LoadPfx(Resolve(cmdlet, certificatePath), certificatePassword, needPrivateKey: true);
            }
            else
            {
                CertificateLoader.RequirePrivateKey(certificate!, certificate!);
            }

            return new TlsServerOptions(certificate!)
            {
                RequireClientCertificate = requireClientCertificate,
                SkipCertificateCheck = skipCertificateCheck,
                TrustedCertificates = Collection(trustedCertificates),
                Protocols = TlsProtocols.Combine(protocols),
            };
        }

        private static string Resolve(PSCmdlet cmdlet, string path) => cmdlet.GetUnresolvedProviderPathFromPSPath(path);

        private static X509Certificate2Collection? Collection(X509Certificate2[]? certificates) =>
            certificates == null || certificates.Length == 0 ? null : new X509Certificate2Collection(certificates);
    }
}
