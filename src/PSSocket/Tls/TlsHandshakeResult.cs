using System.Net.Security;

namespace PSSocket.Tls
{
    /// <summary>An authenticated TLS stream and what its handshake settled.</summary>
    internal sealed class TlsHandshakeResult
    {
        public TlsHandshakeResult(SslStream stream, TlsInfo info)
        {
            Stream = stream;
            Info = info;
        }

        public SslStream Stream { get; }

        public TlsInfo Info { get; }
    }
}
