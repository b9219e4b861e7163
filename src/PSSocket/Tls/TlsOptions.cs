using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>What the peer's certificate is checked against, on either side.</summary>
    public abstract class TlsOptions
    {
        /// <summary>The versions to offer; None lets the operating system choose.</summary>
        public SslProtocols Protocols { get; set; } = SslProtocols.None;

        /// <summary>Accepts any peer certificate. The facts and the error validation would have raised are still reported.</summary>
        public bool SkipCertificateCheck { get; set; }

        /// <summary>
        /// Trust anchors that replace the system's root store: CA certificates (root or intermediate) or a peer's own
        /// self-signed certificate. Null or empty: the system's roots.
        /// </summary>
        public X509Certificate2Collection? TrustedCertificates { get; set; }

        /// <summary>
        /// Whether the peer's chain is checked for revocation: NoCheck (the default, as SslStream does), Offline
        /// (cached CRLs only) or Online (fetches CRLs and OCSP answers: needs the network).
        /// </summary>
        public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;
    }

    /// <summary>The client end of a TLS handshake: Connect-Socket -UseTls, Start-SocketTls, Test-SocketPort -UseTls.</summary>
    public sealed class TlsClientOptions : TlsOptions
    {
        /// <summary>The name sent as SNI and checked against the certificate; null: the host name connected to.</summary>
        public string? ServerName { get; set; }

        /// <summary>A certificate with its private key, for servers that ask for one (mutual TLS).</summary>
        public X509Certificate2? ClientCertificate { get; set; }

        /// <summary>Other than Off, a connect runs this protocol's STARTTLS dialogue before the handshake.</summary>
        public StartTls.StartTlsProtocol StartTls { get; set; }
    }

    /// <summary>The server end of a TLS handshake: Start-SocketListener -Certificate, Start-SocketTls -Certificate.</summary>
    public sealed class TlsServerOptions : TlsOptions
    {
        public TlsServerOptions(X509Certificate2 certificate)
        {
            Certificate = certificate;
        }

        /// <summary>The server's certificate; it must have its private key.</summary>
        public X509Certificate2 Certificate { get; }

        /// <summary>Asks every client for a certificate and fails the handshake of a client that sends none or an invalid one.</summary>
        public bool RequireClientCertificate { get; set; }
    }
}
