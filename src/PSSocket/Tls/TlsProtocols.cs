using System.Security.Authentication;

namespace PSSocket.Tls
{
    internal static class TlsProtocols
    {
        /// <summary>SslProtocols.None (the system's choice) for an empty or missing list, else their union.</summary>
        public static SslProtocols Combine(TlsProtocol[]? protocols)
        {
            int value = 0;
            foreach (TlsProtocol protocol in protocols ?? new TlsProtocol[0])
            {
                value |= (int)protocol;
            }

            return (SslProtocols)value;
        }

        /// <summary>The name of a negotiated protocol, the same on every runtime (netstandard2.0 prints TLS 1.3 as 12288).</summary>
        public static string Describe(SslProtocols protocol) => (int)protocol switch
        {
            12 => "Ssl2",
            48 => "Ssl3",
            192 => "Tls",
            768 => "Tls11",
            3072 => "Tls12",
            12288 => "Tls13",
            _ => protocol.ToString(),
        };
    }
}
