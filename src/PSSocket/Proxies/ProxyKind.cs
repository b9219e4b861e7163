namespace PSSocket.Proxies
{
    /// <summary>The protocol spoken to a proxy to open a tunnel to a target.</summary>
    public enum ProxyKind
    {
        /// <summary>SOCKS version 5 (RFC 1928), CONNECT command; user name and password by RFC 1929.</summary>
        Socks5,

        /// <summary>HTTP CONNECT (RFC 9110, section 9.3.6); Basic credentials in Proxy-Authorization.</summary>
        HttpConnect,
    }
}
