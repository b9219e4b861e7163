using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>What the peer's certificate is checked against, on either side.</summary>
    internal abstract class TlsOptions
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
}
