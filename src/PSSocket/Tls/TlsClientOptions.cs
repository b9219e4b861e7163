using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>The client end of a TLS handshake: Connect-Socket -UseTls, Start-SocketTls, Test-SocketPort -UseTls.</summary>
    internal sealed class TlsClientOptions : TlsOptions
    {
        /// <summary>The name sent as SNI and checked against the certificate; null: the host name connected to.</summary>
        public string? ServerName { get; set; }

        /// <summary>A certificate with its private key, for servers that ask for one (mutual TLS).</summary>
        public X509Certificate2? ClientCertificate { get; set; }

        /// <summary>Other than Off, a connect runs this protocol's STARTTLS dialogue before the handshake.</summary>
        public StartTls.StartTlsProtocol StartTls { get; set; }
    }
}
