using System;
using System.Globalization;
using System.Net;
using PSSocket.Errors;

namespace PSSocket.Proxies
{
    /// <summary>
    /// The end point the proxy is asked to connect to: an address literal, or a name the proxy resolves (an
    /// international name goes in its ASCII form, as DNS needs it).
    /// </summary>
    internal sealed class ProxyTarget
    {
        /// <summary>The longest name SOCKS5 can carry (one length byte); DNS names are shorter still.</summary>
        public const int MaximumName = 255;

        private ProxyTarget(string host, int port, IPAddress? address)
        {
            Host = host;
            Port = port;
            Address = address;
        }

        /// <summary>The name as sent to the proxy, or the address's written form.</summary>
        public string Host { get; }

        public int Port { get; }

        /// <summary>The target's address when it was given as one; null for a name.</summary>
        public IPAddress? Address { get; }

        /// <summary>host:port, an IPv6 address in brackets: the form of HTTP's CONNECT request line and Host header.</summary>
        public string Authority => Format(Host, Port);

        public static ProxyTarget Of(string host, int port)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                throw new ArgumentException("A target host is required.", nameof(host));
            }

            if (port < 1 || port > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(port), port, "A target port is 1 to 65535.");
            }

            string trimmed = host.Trim();
            string bare = trimmed.StartsWith("[", StringComparison.Ordinal) && trimmed.EndsWith("]", StringComparison.Ordinal)
                ? trimmed.Substring(1, trimmed.Length - 2)
                : trimmed;
            if (IPAddress.TryParse(bare, out IPAddress? address))
            {
                // A scope id means something only on this machine, not on the proxy's.
                if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0)
                {
                    address = new IPAddress(address.GetAddressBytes());
                }

                return new ProxyTarget(address.ToString(), port, address);
            }

            string name;
            try
            {
                name = IsAscii(bare) ? bare : new IdnMapping().GetAscii(bare);
            }
            catch (ArgumentException e)
            {
                throw new SocketSessionException(ErrorIds.NameNotResolved, $"'{bare}' is not a host name a proxy can resolve: {e.Message}", bare, e);
            }

            if (name.Length > MaximumName)
            {
                throw new SocketSessionException(ErrorIds.NameNotResolved, $"'{bare}' is not a host name a proxy can resolve: it is longer than {MaximumName} characters.", bare);
            }

            return new ProxyTarget(name, port, null);
        }

        public static string Format(string host, int port) =>
            host.IndexOf(':') >= 0 ? $"[{host}]:{port}" : $"{host}:{port}";

        public override string ToString() => Authority;

        private static bool IsAscii(string name)
        {
            foreach (char c in name)
            {
                if (c > 0x7f)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
