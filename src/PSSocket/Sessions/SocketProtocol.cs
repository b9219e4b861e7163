namespace PSSocket.Sessions
{
    /// <summary>
    /// The kind of socket a session owns: TCP and UDP over IPv4/IPv6 (AF_INET, AF_INET6), stream and datagram
    /// sockets over AF_UNIX, and raw IP sockets (SOCK_RAW) that send and receive whole payloads of one IP protocol.
    /// </summary>
    public enum SocketProtocol
    {
        Tcp,
        Udp,
        UnixStream,
        UnixDatagram,

        /// <summary>SOCK_RAW over IPv4 or IPv6 for the session's IP protocol (ICMP, ICMPv6, ...); needs root or CAP_NET_RAW (administrator on Windows).</summary>
        Raw,
    }
}
