using System;
using System.Net;
using System.Text;
using PSSocket.Errors;

namespace PSSocket.Proxies
{
    /// <summary>Reads a proxy URI: its scheme picks the protocol, its authority the proxy, its user-info an optional credential.</summary>
    internal static class ProxyUriParser
    {
        /// <summary>The port of socks5:// without one (curl's and the IANA's); http:// without one is port 80, as for any HTTP URI.</summary>
        public const int Socks5DefaultPort = 1080;

        private const int Socks5FieldLimit = 255;

        public static ProxyEndPoint Parse(string? text, NetworkCredential? credential)
        {
            string written = text?.Trim() ?? string.Empty;
            if (written.Length == 0)
            {
                throw Invalid(written, "it is empty");
            }

            if (written.IndexOf("://", StringComparison.Ordinal) < 0)
            {
                throw Invalid(written, "it has no scheme; write socks5://host:port or http://host:port");
            }

            if (!Uri.TryCreate(written, UriKind.Absolute, out Uri? uri))
            {
                throw Invalid(written, "it is not a valid URI");
            }

            string scheme = uri.Scheme.ToLowerInvariant();
            ProxyKind kind = scheme switch
            {
                "socks5" or "socks5h" => ProxyKind.Socks5,
                "http" => ProxyKind.HttpConnect,
                _ => throw Invalid(written, $"the scheme '{scheme}' is not supported; use socks5:// (or socks5h://, the same) or http:// (HTTP CONNECT)"),
            };

            string host = uri.DnsSafeHost;
            if (host.Length == 0)
            {
                throw Invalid(written, "it names no host");
            }

            if (uri.AbsolutePath.Length > 1 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            {
                throw Invalid(written, "a proxy URI has no path, query or fragment");
            }

            int port = uri.Port < 0 ? Socks5DefaultPort : uri.Port;
            if (port == 0)
            {
                throw Invalid(written, "port 0 is no port to connect to");
            }

            var proxy = new ProxyEndPoint(kind, scheme, host, port, null);
            NetworkCredential? offered = Usable(credential) ?? Usable(FromUserInfo(uri.UserInfo));
            CheckCredential(proxy, offered);
            return proxy.WithCredential(offered);
        }

        private static NetworkCredential? FromUserInfo(string userInfo)
        {
            if (userInfo.Length == 0)
            {
                return null;
            }

            int colon = userInfo.IndexOf(':');
            return colon < 0
                ? new NetworkCredential(Uri.UnescapeDataString(userInfo), string.Empty)
                : new NetworkCredential(Uri.UnescapeDataString(userInfo.Substring(0, colon)), Uri.UnescapeDataString(userInfo.Substring(colon + 1)));
        }

        private static NetworkCredential? Usable(NetworkCredential? credential) =>
            credential == null || string.IsNullOrEmpty(credential.UserName) && string.IsNullOrEmpty(credential.Password) ? null : credential;

        private static void CheckCredential(ProxyEndPoint proxy, NetworkCredential? credential)
        {
            if (credential == null)
            {
                return;
            }

            if (string.IsNullOrEmpty(credential.UserName))
            {
                throw Invalid(proxy.ToString(), "its credential has a password but no user name");
            }

            if (proxy.Kind == ProxyKind.HttpConnect && credential.UserName.IndexOf(':') >= 0)
            {
                throw Invalid(proxy.ToString(), "a user name for HTTP Basic credentials cannot contain ':'");
            }

            if (proxy.Kind == ProxyKind.Socks5
                && (Encoding.UTF8.GetByteCount(credential.UserName) > Socks5FieldLimit || Encoding.UTF8.GetByteCount(credential.Password) > Socks5FieldLimit))
            {
                throw Invalid(proxy.ToString(), $"SOCKS5 takes a user name and a password of at most {Socks5FieldLimit} bytes each (RFC 1929)");
            }
        }

        private static SocketSessionException Invalid(string written, string reason) =>
            new SocketSessionException(ErrorIds.ProxyUriInvalid, $"The proxy '{WithoutUserInfo(written)}' cannot be used: {reason}.", written.Length == 0 ? null : WithoutUserInfo(written));

        /// <summary>The URI as written, less any password, for messages.</summary>
        private static string WithoutUserInfo(string written)
        {
            int schemeEnd = written.IndexOf("://", StringComparison.Ordinal);
            int at = written.LastIndexOf('@');
            return schemeEnd >= 0 && at > schemeEnd ? written.Substring(0, schemeEnd + 3) + "***@" + written.Substring(at + 1) : written;
        }
    }
}
