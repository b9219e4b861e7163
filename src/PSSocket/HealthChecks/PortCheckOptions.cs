using System.Text;
using System.Text.RegularExpressions;
using PSSocket.Proxies;
using PSSocket.Sessions;
using PSSocket.Tls;

namespace PSSocket.HealthChecks
{
    /// <summary>How each port is checked.</summary>
    internal sealed class PortCheckOptions
    {
        public const int DefaultTimeout = 2000;

        /// <summary>
        /// Milliseconds; -1 waits forever. Bounds the name's resolution, and then each check: the connect (every
        /// address in turn), the TLS handshake and the probe.
        /// </summary>
        public int Timeout { get; set; } = DefaultTimeout;

        public IPFamily Family { get; set; } = IPFamily.Any;

        /// <summary>Null: connect directly. Otherwise each check connects through this proxy, which resolves the names checked.</summary>
        public ProxyEndPoint? Proxy { get; set; }

        /// <summary>Null: plain TCP. Otherwise a TLS handshake follows the connect.</summary>
        public TlsClientOptions? Tls { get; set; }

        /// <summary>The TLS settings of a check that names a STARTTLS protocol while <see cref="Tls"/> is null.</summary>
        public TlsClientOptions? StartTlsSettings { get; set; }

        /// <summary>Text sent once connected (and secured), before waiting for <see cref="Expect"/>.</summary>
        public string? Send { get; set; }

        /// <summary>A pattern the reply must match within the timeout, else the status is UnexpectedResponse.</summary>
        public Regex? Expect { get; set; }

        public Encoding Encoding { get; set; } = SocketSettings.DefaultEncoding;

        /// <summary>With TLS: a certificate that expires in fewer whole days than this makes the status CertificateExpiring.</summary>
        public int? MinimumDaysValid { get; set; }
    }
}
