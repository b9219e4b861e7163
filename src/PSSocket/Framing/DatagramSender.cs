using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Framing
{
    /// <summary>
    /// Sends one datagram whole, within the send timeout; the system never sends part of one. The socket stays in
    /// blocking mode (the session's receive thread blocks on it), so the wait for room is the socket's own send
    /// timeout, set in slices short enough for Ctrl+C to stop a send into a full queue promptly.
    /// </summary>
    internal static class DatagramSender
    {
        private const int SliceMilliseconds = 250;

        public static void Send(
            Socket socket,
            byte[] data,
            EndPoint? to,
            Deadline deadline,
            CancellationToken cancellationToken,
            SessionCounters counters,
            object owner,
            string described,
            bool broadcastEnabled,
            ref int sendTimeoutSet)
        {
            try
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int remaining = deadline.RemainingMilliseconds;
                    if (remaining == 0)
                    {
                        throw new SocketSessionException(
                            ErrorIds.SendTimedOut,
                            $"Sending a datagram to {described} timed out after {deadline.TimeoutMilliseconds} ms: the receiver's queue stayed full.",
                            owner,
                            new SocketException((int)SocketError.TimedOut));
                    }

                    int slice = remaining < 0 ? SliceMilliseconds : Math.Min(SliceMilliseconds, remaining);
                    if (sendTimeoutSet != slice)
                    {
                        socket.SendTimeout = slice;
                        sendTimeoutSet = slice;
                    }

                    SocketError error = TrySend(socket, data, to);
                    switch (error)
                    {
                        case SocketError.Success:
                            counters.AddSent(data.Length);
                            return;
                        case SocketError.WouldBlock:
                        case SocketError.TimedOut:
                            break;
                        case SocketError.NoBufferSpaceAvailable:
                            Thread.Sleep(1);
                            break;
                        default:
                            throw Translate(error, to, described, data.Length, owner, broadcastEnabled);
                    }
                }
            }
            catch (ObjectDisposedException e)
            {
                throw new SocketSessionException(ErrorIds.SessionClosed, "The session was closed while sending.", owner, e);
            }
        }

        private static SocketError TrySend(Socket socket, byte[] data, EndPoint? to)
        {
            try
            {
                if (to == null)
                {
                    socket.Send(data, 0, data.Length, SocketFlags.None, out SocketError error);
                    return error;
                }

                socket.SendTo(data, 0, data.Length, SocketFlags.None, to);
                return SocketError.Success;
            }
            catch (SocketException e)
            {
                return e.SocketErrorCode;
            }
        }

        private static SocketSessionException Translate(SocketError error, EndPoint? to, string described, int length, object owner, bool broadcastEnabled)
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
