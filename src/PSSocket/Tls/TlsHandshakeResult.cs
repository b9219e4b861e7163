using System;
using System.IO;
using System.Net.Security;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;

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
