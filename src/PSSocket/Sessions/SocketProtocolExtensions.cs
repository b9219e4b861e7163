using System.Net.Sockets;

namespace PSSocket.Sessions
{
    internal static class SocketProtocolExtensions
    {
        public static bool IsDatagram(this SocketProtocol protocol) => protocol == SocketProtocol.Udp || protocol == SocketProtocol.UnixDatagram;

        public static bool IsUnix(this SocketProtocol protocol) => protocol == SocketProtocol.UnixStream || protocol == SocketProtocol.UnixDatagram;

        public static SocketType SocketType(this SocketProtocol protocol) => protocol.IsDatagram() ? System.Net.Sockets.SocketType.Dgram : System.Net.Sockets.SocketType.Stream;

        public static ProtocolType ProtocolType(this SocketProtocol protocol) => protocol switch
        {
            SocketProtocol.Tcp => System.Net.Sockets.ProtocolType.Tcp,
            SocketProtocol.Udp => System.Net.Sockets.ProtocolType.Udp,
            _ => System.Net.Sockets.ProtocolType.Unspecified,
        };
    }
}
