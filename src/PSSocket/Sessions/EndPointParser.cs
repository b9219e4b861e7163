using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PSSocket.Sessions
{
    /// <summary>Reads the written forms of end points: 127.0.0.1:53, [::1]:53, host.example:53, /run/x.sock.</summary>
    internal static class EndPointParser
    {
        public const string Forms = "write it as 127.0.0.1:53, [::1]:53, host.example:53, or a socket path such as /tmp/x.sock";

        /// <summary>
        /// An IPEndPoint for an address, a DnsEndPoint for a name (resolved when used), a SocketPathEndPoint for a
        /// path (anything with a slash); null with <paramref name="problem"/> set when the text is none of these.
        /// </summary>
        public static EndPoint? TryParse(string text, Func<string, string> resolvePath, out string? problem)
        {
            problem = null;
            text = text.Trim();
            if (text.IndexOf('/') >= 0 || text.IndexOf('\\') >= 0)
            {
                return new SocketPathEndPoint(resolvePath(text));
            }

            int colon = text.LastIndexOf(':');
            if (colon <= 0 || colon == text.Length - 1)
            {
                problem = $"'{text}' has no port; {Forms}.";
                return null;
            }

            string host = text.Substring(0, colon);
            string portText = text.Substring(colon + 1);
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < 1 || port > IPEndPoint.MaxPort)
            {
                problem = $"'{portText}' in '{text}' is not a port from 1 to 65535; {Forms}.";
                return null;
            }

            bool bracketed = host.Length > 2 && host[0] == '[' && host[host.Length - 1] == ']';
            string literal = bracketed ? host.Substring(1, host.Length - 2) : host;
            if (IPAddress.TryParse(literal, out IPAddress? address))
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6 && !bracketed)
                {
                    problem = $"'{text}' is ambiguous: write an IPv6 address in brackets, such as [::1]:53.";
                    return null;
                }

                return new IPEndPoint(address, port);
            }

            if (bracketed || host.IndexOf(':') >= 0 || host.IndexOf(' ') >= 0)
            {
                problem = $"'{host}' is not an address or host name; {Forms}.";
                return null;
            }

            return new DnsEndPoint(host, port);
        }
    }
}
