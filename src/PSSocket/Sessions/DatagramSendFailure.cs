using System.Net;
using System.Net.Sockets;
using PSSocket.Errors;

namespace PSSocket.Sessions
{
    /// <summary>Names why a datagram was refused, by the kind of socket (UDP or a Unix socket path) it was sent on.</summary>
    internal static class DatagramSendFailure
    {
        /// <summary>The module's error for a datagram the system refused with <paramref name="error"/>; nothing of it was sent.</summary>
        public static SocketSessionException For(SocketError error, EndPoint? to, string described, int length, object owner, bool broadcastEnabled)
        {
            var inner = new SocketException((int)error);
            bool unix = UnixEndPoints.IsUnix(to);
            switch (error)
            {
                case SocketError.MessageSize:
                    return new SocketSessionException(
                        ErrorIds.DatagramTooLarge, $"A {length}-byte datagram is larger than the system sends to {described}; nothing was sent.", owner, inner);
                case SocketError.AccessDenied when !unix && !broadcastEnabled:
                    return new SocketSessionException(
                        ErrorIds.BroadcastNotEnabled,
                        $"Sending to {described} was refused: it is a broadcast address, and the session was not made with -Broadcast (SO_BROADCAST).",
                        owner,
                        inner);
                case SocketError.AccessDenied:
                    return new SocketSessionException(ErrorIds.AccessDenied, $"Sending to {described} was denied.", owner, inner);
                case SocketError.AddressNotAvailable when unix:
                    return UnixEndPoints.NotFound(described, owner, inner);
                case SocketError.ConnectionRefused when unix:
                    UnixPathKind kind = UnixEndPoints.Probe(described);
                    return kind == UnixPathKind.Missing ? UnixEndPoints.NotFound(described, owner, inner)
                        : kind == UnixPathKind.Directory || kind == UnixPathKind.OtherFile ? UnixEndPoints.NotASocket(described, kind, owner)
                        : new SocketSessionException(ErrorIds.ConnectionRefused, $"No socket receives at {described} any more.", owner, inner);
                case SocketError.ProtocolType:
                    return UnixEndPoints.TypeMismatch(described, SocketProtocol.UnixDatagram, owner, inner);
                case SocketError.ConnectionRefused:
                    return new SocketSessionException(
                        ErrorIds.ConnectionRefused, $"Sending to {described} was refused: the port was closed when an earlier datagram arrived there.", owner, inner);
                case SocketError.IsConnected:
                    return new SocketSessionException(
                        ErrorIds.AlreadyConnected, $"The session is connected; it sends only to its peer, not to {described}.", owner, inner);
                case SocketError.HostUnreachable:
                    return new SocketSessionException(ErrorIds.HostUnreachable, $"Host of {described} is unreachable.", owner, inner);
                case SocketError.NetworkUnreachable:
                    return new SocketSessionException(ErrorIds.NetworkUnreachable, $"Network of {described} is unreachable.", owner, inner);
                case SocketError.AddressFamilyNotSupported:
                    return new SocketSessionException(
                        ErrorIds.AddressFamilyMismatch, $"The session's socket cannot send to {described}: another address family.", owner, inner);
                default:
                    return SocketErrorTranslator.ForTransfer(inner, $"sending a datagram to {described}", owner);
            }
        }
    }
}
