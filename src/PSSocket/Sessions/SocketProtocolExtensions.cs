using System.Net.Sockets;

namespace PSSocket.Sessions
{
    internal static class SocketProtocolExtensions
    {
        /// <summary>Whether the session sends and receives whole messages: UDP, Unix datagram and raw IP payloads.</summary>
        public static bool IsDatagram(this SocketProtocol protocol) =>
            protocol == SocketProtocol.Udp || protocol == SocketProtocol.UnixDatagram || protocol == SocketProtocol.Raw;

        public static bool IsUnix(this SocketProtocol protocol) => protocol == SocketProtocol.UnixStream || protocol == SocketProtocol.UnixDatagram;

        public static SocketType SocketType(this SocketProtocol protocol) => protocol switch
        {
            SocketProtocol.Raw => System.Net.Sockets.SocketType.Raw,
            _ when protocol.IsDatagram() => System.Net.Sockets.SocketType.Dgram,
            _ => System.Net.Sockets.SocketType.Stream,
        };

        /// <summary>The protocol of TCP and UDP sockets; Unspecified for the others (a raw socket's is the session's IP protocol).</summary>
        public static ProtocolType ProtocolType(this SocketProtocol protocol) => protocol switch
        {
            SocketProtocol.Tcp => System.Net.Sockets.ProtocolType.Tcp,
            SocketProtocol.Udp => System.Net.Sockets.ProtocolType.Udp,
            _ => System.Net.Sockets.ProtocolType.Unspecified,
        };
    }
}
