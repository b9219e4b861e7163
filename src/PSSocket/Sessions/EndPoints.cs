using System.Net;

namespace PSSocket
{
    internal static class EndPoints
    {
        /// <summary>The usual written form: 127.0.0.1:80, [::1]:80, /path/to.sock.</summary>
        public static string Format(EndPoint? endPoint) => endPoint switch
        {
            DnsEndPoint named => $"{named.Host}:{named.Port}",
            { AddressFamily: System.Net.Sockets.AddressFamily.Unix } unix when string.IsNullOrEmpty(unix.ToString()) => "(unnamed)",
            _ => Normalize(endPoint)?.ToString() ?? string.Empty,
        };

        public static string Format(IPAddress address, int port) => Format(new IPEndPoint(address, port));

        /// <summary>
        /// The socket's peer, or null when the connection is already gone: a peer that resets right after the connect
        /// makes getpeername fail, and the session then reports the reset on its first call instead.
        /// </summary>
        public static EndPoint? PeerOf(System.Net.Sockets.Socket socket)
        {
            try
            {
                return Normalize(socket.RemoteEndPoint);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return null;
            }
        }

        /// <summary>The socket's peer for a message: its end point, or "the peer" once the connection is gone.</summary>
        public static string FormatPeer(System.Net.Sockets.Socket socket) => PeerOf(socket) is EndPoint peer ? Format(peer) : "the peer";

        /// <summary>An IPv4 peer of a dual-stack socket as plain IPv4 (127.0.0.1:80, not [::ffff:127.0.0.1]:80).</summary>
        public static EndPoint? Normalize(EndPoint? endPoint) =>
            endPoint is IPEndPoint ip && ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;
    }
}
