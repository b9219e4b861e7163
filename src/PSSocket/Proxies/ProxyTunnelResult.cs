using System.Net;

namespace PSSocket.Proxies
{
    /// <summary>An open tunnel: the stream to the proxy now carries the target's bytes.</summary>
    internal sealed class ProxyTunnelResult
    {
        public ProxyTunnelResult(ProxyEndPoint proxy, string targetHost, int targetPort, byte[] leftover, EndPoint? boundEndPoint, string? statusLine)
        {
            Proxy = proxy;
            TargetHost = targetHost;
            TargetPort = targetPort;
            Leftover = leftover;
            BoundEndPoint = boundEndPoint;
            StatusLine = statusLine;
        }

        public ProxyEndPoint Proxy { get; }

        /// <summary>The target as it was sent to the proxy (a name in its ASCII form, or an address).</summary>
        public string TargetHost { get; }

        public int TargetPort { get; }

        /// <summary>The target as an end point: an IPEndPoint for an address, a DnsEndPoint for a name only the proxy resolved.</summary>
        public EndPoint TargetEndPoint =>
            IPAddress.TryParse(TargetHost, out IPAddress? address) ? new IPEndPoint(address, TargetPort) : new DnsEndPoint(TargetHost, TargetPort);

        /// <summary>
        /// The target's first bytes, read together with the proxy's reply: the session must take them as received
        /// before anything else it reads from the stream. Empty when none came.
        /// </summary>
        public byte[] Leftover { get; }

        /// <summary>SOCKS5: the address and port the proxy connected from (BND.ADDR, BND.PORT); null for HTTP CONNECT.</summary>
        public EndPoint? BoundEndPoint { get; }

        /// <summary>HTTP CONNECT: the proxy's status line (HTTP/1.1 200 Connection established); null for SOCKS5.</summary>
        public string? StatusLine { get; }
    }
}
