using System;
using System.Net.Sockets;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Framing
{
    /// <summary>Sends every byte it is given, or says how many went out before it had to stop.</summary>
    internal sealed class SocketSender
    {
        private readonly object _gate = new object();
        private readonly Socket _socket;
        private readonly SessionCounters _counters;
        private readonly object _owner;
        private readonly string _peer;

        public SocketSender(Socket socket, SessionCounters counters, object owner)
        {
            _socket = socket;
            _counters = counters;
            _owner = owner;
            _peer = EndPoints.Format(socket.RemoteEndPoint);
        }

        public void Send(byte[] data, int offset, int count)
        {
            lock (_gate)
            {
                int sent = 0;
                while (sent < count)
                {
                    int n;
                    SocketError error;
                    try
                    {
                        n = _socket.Send(data, offset + sent, count - sent, SocketFlags.None, out error);
                    }
                    catch (ObjectDisposedException e)
                    {
                        throw Incomplete(sent, count, "the session was closed", e);
                    }

                    if (n > 0)
                    {
                        sent += n;
                        _counters.AddSent(n);
                    }

                    if (error != SocketError.Success)
                    {
                        throw Incomplete(sent, count, Describe(error), new SocketException((int)error));
                    }
                }
            }
        }

        private SocketSessionException Incomplete(int sent, int count, string reason, Exception inner)
        {
            string what = $"Sent {sent} of {count} bytes to {_peer}: {reason}.";
            if (sent > 0)
            {
                return new SendIncompleteException(sent, count, what, _owner, inner);
            }

            string errorId = inner is SocketException socketError
                ? SocketErrorTranslator.ForTransfer(socketError, "sending", _owner).ErrorId
                : ErrorIds.SessionClosed;
            return new SocketSessionException(errorId, what, _owner, inner);
        }

        private static string Describe(SocketError error) => error switch
        {
            SocketError.ConnectionReset => "the connection was reset by the peer",
            SocketError.Shutdown => "the send side of the session is shut down",
            SocketError.WouldBlock or SocketError.TimedOut => "the send timed out",
            SocketError.ConnectionAborted => "the connection was aborted",
            _ => $"socket error {error}",
        };
    }
}
