namespace PSSocket.Sessions
{
    /// <summary>
    /// The kind of socket a session owns: TCP and UDP over IPv4/IPv6 (AF_INET, AF_INET6), and stream and datagram
    /// sockets over AF_UNIX.
    /// </summary>
    public enum SocketProtocol
    {
        Tcp,
        Udp,
        UnixStream,
        UnixDatagram,
    }
}
