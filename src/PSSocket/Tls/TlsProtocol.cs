using System;

namespace PSSocket.Tls
{
    /// <summary>
    /// The TLS versions a session may offer. The values are those of System.Security.Authentication.SslProtocols,
    /// written as numbers because netstandard2.0 has no name for TLS 1.3 (12288); no value at all lets the
    /// operating system choose, which is what to do unless a peer needs an old version.
    /// </summary>
    [Flags]
    public enum TlsProtocol
    {
        Tls = 192,
        Tls11 = 768,
        Tls12 = 3072,
        Tls13 = 12288,
    }
}
