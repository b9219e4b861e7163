using System.Net;

namespace PSSocket.Proxies
{
    /// <summary>
    /// A proxy to tunnel through, parsed from one URI (socks5://host:port, socks5h://host:port, http://host:port),
    /// with the credential it is offered. Its written form never shows the credential.
    /// </summary>
    public sealed class ProxyEndPoint
    {
        internal ProxyEndPoint(ProxyKind kind, string scheme, string host, int port, NetworkCredential? credential)
        {
            Kind = kind;
            Scheme = scheme;
            Host = host;
            Port = port;
            Credential = credential;
        }

        public ProxyKind Kind { get; }

        /// <summary>The scheme as the user wrote it, lower case: socks5, socks5h or http.</summary>
        public string Scheme { get; }

        /// <summary>The proxy's host name or address (an IPv6 address without brackets).</summary>
        public string Host { get; }

        public int Port { get; }

        /// <summary>
        /// The user name and password offered to the proxy, or null for none. Internal, so a session's Proxy property
        /// shown, serialised or logged never carries the password.
        /// </summary>
        internal NetworkCredential? Credential { get; }

        public bool HasCredential => Credential != null;

        /// <summary>The user name offered to the proxy, or null for none.</summary>
        public string? UserName => Credential?.UserName;

        /// <summary>
        /// Parses <paramref name="uri"/>. A <paramref name="credential"/> given here wins over one in the URI's
        /// user-info (as curl's --proxy-user does). A bad URI or scheme is a SocketSessionException with ProxyUriInvalid.
        /// </summary>
        internal static ProxyEndPoint Parse(string uri, NetworkCredential? credential = null) => ProxyUriParser.Parse(uri, credential);

        /// <summary>The same proxy offered another credential.</summary>
        internal ProxyEndPoint WithCredential(NetworkCredential? credential) => new ProxyEndPoint(Kind, Scheme, Host, Port, credential);

        public override string ToString() => $"{Scheme}://{ProxyTarget.Format(Host, Port)}";
    }
}
