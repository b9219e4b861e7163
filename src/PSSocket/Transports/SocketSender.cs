using System;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Transports
{
    /// <summary>Sends every byte it is given, or says exactly how many went out before it had to stop.</summary>
    internal sealed class SocketSender : ISessionSender
    {
        private const int PollSliceMicroseconds = 50_000;

        /// <summary>One send at a time: guards the socket's blocking mode while a send switches it off, and the byte order of sends.</summary>
        private readonly object _gate = new object();
        private readonly Socket _socket;
        private readonly SessionCounters _counters;
        private readonly object _owner;
        private readonly string _peer;
        private readonly Action? _onReset;

        /// <param name="onReset">Told when a send finds the connection reset, so the session's state can say so.</param>
        public SocketSender(Socket socket, SessionCounters counters, object owner, Action? onReset = null)
        {
            _socket = socket;
            _counters = counters;
            _owner = owner;
            _onReset = onReset;
            _peer = EndPoints.FormatPeer(socket);
        }

        /// <summary>
        /// Sends in non-blocking mode and waits for room between writes: a blocking Send that times out
        /// reports 0 bytes even when some went out, which would make the count we report a lie.
        /// </summary>
        public void Send(byte[] data, int offset, int count, int timeout, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Deadline deadline = Deadline.After(timeout);
                int sent = 0;
                bool wasBlocking = true;
                try
                {
                    wasBlocking = _socket.Blocking;
                    _socket.Blocking = false;
                    while (sent < count)
                    {
                        int n = _socket.Send(data, offset + sent, count - sent, SocketFlags.None, out SocketError error);
                        if (n > 0)
                        {
                            sent += n;
                            _counters.AddSent(n);
                        }

                        if (error == SocketError.WouldBlock)
                        {
                            if (!WaitForRoom(deadline, cancellationToken))
                            {
                                throw Incomplete(sent, count, $"the send timed out after {timeout} ms", new SocketException((int)SocketError.TimedOut));
                            }
                        }
                        else if (error != SocketError.Success)
                        {
                            throw Incomplete(sent, count, Describe(error), new SocketException((int)error));
                        }
                    }
                }
                catch (ObjectDisposedException e)
                {
                    throw Incomplete(sent, count, "the session was closed", e);
                }
                catch (SocketException e)
                {
                    throw Incomplete(sent, count, Describe(e.SocketErrorCode), e);
                }
                finally
                {
                    RestoreBlocking(wasBlocking);
                }
            }
        }

        /// <summary>A plain socket has nothing to say before it shuts down.</summary>
        public void Finish(int timeout)
        {
        }

        /// <summary>The session owns the socket and closes it.</summary>
        public void Dispose()
        {
        }

        private bool WaitForRoom(Deadline deadline, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int remaining = deadline.RemainingMilliseconds;
                if (remaining == 0)
                {
                    return false;
                }

                int slice = remaining < 0 ? PollSliceMicroseconds : Math.Min(PollSliceMicroseconds, remaining * 1000);
                if (_socket.Poll(slice, SelectMode.SelectWrite))
                {
                    return true;
                }
            }
        }

        private void RestoreBlocking(bool wasBlocking)
        {
            try
            {
                _socket.Blocking = wasBlocking;
            }
            catch (ObjectDisposedException)
            {
                // Closed under us; nothing to restore.
            }
        }

        private SocketSessionException Incomplete(int sent, int count, string reason, Exception inner)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown })
            {
                // Only a connected session sends here, so the send side was not shut down by us: Linux answers a send
                // after the peer's reset with EPIPE (Shutdown) once a receive has taken the ECONNRESET.
                inner = new SocketException((int)SocketError.ConnectionReset);
                reason = Describe(SocketError.ConnectionReset);
                _onReset?.Invoke();
            }

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
            SocketError.ConnectionAborted => "the connection was aborted",
            _ => $"socket error {error}",
        };
    }
}
