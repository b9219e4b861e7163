using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>The server end of a TLS handshake: Start-SocketListener -Certificate, Start-SocketTls -Certificate.</summary>
    internal sealed class TlsServerOptions : TlsOptions
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
