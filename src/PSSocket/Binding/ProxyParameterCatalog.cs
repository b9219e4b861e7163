using System;
using System.Management.Automation;
using System.Net;
using PSSocket.Proxies;

namespace PSSocket.Binding
{
    /// <summary>
    /// The proxy parameters, declared once for Connect-Socket and Test-SocketPort. Their help is written once, in
    /// docs/en-US/shared/SharedParameters.md.
    /// </summary>
    internal static class ProxyParameterCatalog
    {
        /// <summary>The proxy's URI: socks5://host:port, socks5h://host:port or http://host:port.</summary>
        public static readonly SharedParameter Proxy = new SharedParameter(
            nameof(Proxy), typeof(string), new string[0], () => new Attribute[] { new ValidateNotNullOrEmptyAttribute() });

        /// <summary>The user name and password offered to the proxy (SOCKS5 RFC 1929, HTTP Basic).</summary>
        public static readonly SharedParameter ProxyCredential = new SharedParameter(
            nameof(ProxyCredential), typeof(PSCredential), new string[0], () => new Attribute[] { new CredentialAttribute() });

        /// <summary>Both, in every parameter set: a proxy with a set that cannot take one is a rule's clash, not a binding error.</summary>
        public static SharedParameterUse[] Everywhere => new[] { Proxy.Everywhere, ProxyCredential.Everywhere };

        /// <summary>The proxy the user named, with its credential; null without -Proxy. A bad URI throws ProxyUriInvalid.</summary>
        public static ProxyEndPoint? From(SharedParameterValues shared)
        {
            string? uri = shared.Get<string?>(Proxy, null);
            NetworkCredential? credential = shared.Get<PSCredential?>(ProxyCredential, null)?.GetNetworkCredential();
            return uri == null ? null : ProxyEndPoint.Parse(uri, credential);
        }
    }
}
