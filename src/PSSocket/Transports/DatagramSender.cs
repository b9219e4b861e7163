using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Transports
{
    /// <summary>
    /// Sends one datagram whole, within the send timeout; the system never sends part of one. The socket stays in
    /// blocking mode (the session's receive thread blocks on it), so the wait for room is the socket's own send
    /// timeout, set in slices short enough for Ctrl+C to stop a send into a full queue promptly.
    /// </summary>
    internal sealed class DatagramSender
    {
        private const int SliceMilliseconds = 250;

        private readonly SessionCounters _counters;
        private readonly object _owner;

        /// <summary>The socket's SendTimeout as last set here; -2 before the first send sets it.</summary>
        private int _sendTimeoutSet = -2;

        public DatagramSender(Socket socket, SessionCounters counters, object owner)
        {
            Socket = socket;
            _counters = counters;
            _owner = owner;
        }

        public Socket Socket { get; }

        /// <summary>
        /// Sends the datagram whole, or nothing. Returns Success, or the error the system refused it with (the caller
        /// knows the session's kind and names the error); a full queue until the deadline throws SendTimedOut, a
        /// closed socket SessionClosed. One send at a time: the caller serializes sends on one socket.
        /// </summary>
        public SocketError Send(DatagramSendRequest request)
        {
            Socket socket = Socket;
            byte[] data = request.Data;
            Deadline deadline = request.Deadline;
            CancellationToken cancellationToken = request.CancellationToken;
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
                            $"Sending a datagram to {request.Described} timed out after {deadline.TimeoutMilliseconds} ms: the receiver's queue stayed full.",
                            _owner,
                            new SocketException((int)SocketError.TimedOut));
                    }

                    int slice = remaining < 0 ? SliceMilliseconds : Math.Min(SliceMilliseconds, remaining);
                    if (_sendTimeoutSet != slice)
                    {
                        socket.SendTimeout = slice;
                        _sendTimeoutSet = slice;
                    }

                    SocketError error = TrySend(socket, data, request.To);
                    switch (error)
                    {
                        case SocketError.Success:
                            _counters.AddSent(data.Length);
                            return error;
                        case SocketError.WouldBlock:
                        case SocketError.TimedOut:
                            break;
                        case SocketError.NoBufferSpaceAvailable:
                            Thread.Sleep(1);
                            break;
                        default:
                            return error;
                    }
                }
            }
            catch (ObjectDisposedException e)
            {
                throw new SocketSessionException(ErrorIds.SessionClosed, "The session was closed while sending.", _owner, e);
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
    }
}
