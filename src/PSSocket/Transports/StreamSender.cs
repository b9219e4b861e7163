using System;
using System.IO;
using System.Net.Security;
using System.Reflection;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Runtime;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Transports
{
    /// <summary>
    /// Sends through a stream (the TLS stream of a session) in chunks, counting each chunk once it is written,
    /// so a send that times out or is stopped can say how many bytes went out. A stream allows one write at a time:
    /// a chunk whose wait ended early stays pending, the next send waits for it first, and its bytes are counted
    /// when it completes.
    /// </summary>
    internal sealed class StreamSender : ISessionSender
    {
        private const int ChunkSize = 64 * 1024;

        /// <summary>One write at a time on the TLS stream: guards the pending write and the close_notify that ends the sends.</summary>
        private readonly object _gate = new object();
        private readonly Stream _stream;
        private readonly SessionCounters _counters;
        private readonly object _owner;
        private readonly string _peer;
        private Task? _pendingWrite;
        private int _pendingCount;
        private bool _finished;

        private readonly Action? _onFatal;

        /// <param name="onFatal">Told when the TLS stream fails: nothing more can go through it, and the session closes.</param>
        public StreamSender(Stream stream, SessionCounters counters, object owner, string peer, Action? onFatal = null)
        {
            _onFatal = onFatal;
            _stream = stream;
            _counters = counters;
            _owner = owner;
            _peer = peer;
        }

        public void Send(byte[] data, int offset, int count, int timeout, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Deadline deadline = Deadline.After(timeout);
                int sent = 0;
                try
                {
                    if (!CompletePendingWrite(deadline, cancellationToken))
                    {
                        throw Incomplete(0, count, $"an earlier write of {_pendingCount} bytes has not gone out within {timeout} ms", new SocketException((int)SocketError.TimedOut));
                    }

                    while (sent < count)
                    {
                        int chunk = Math.Min(ChunkSize, count - sent);
                        _pendingWrite = _stream.WriteAsync(data, offset + sent, chunk);
                        _pendingCount = chunk;
                        if (!CompletePendingWrite(deadline, cancellationToken))
                        {
                            throw Incomplete(sent, count, $"the send timed out after {timeout} ms; {chunk} more bytes are still being written", new SocketException((int)SocketError.TimedOut));
                        }

                        sent += chunk;
                    }
                }
                catch (ObjectDisposedException e)
                {
                    throw Incomplete(sent, count, "the session was closed", e);
                }
                catch (IOException e) when (e.InnerException is SocketException socketError)
                {
                    throw Incomplete(sent, count, $"socket error {socketError.SocketErrorCode}", socketError);
                }
                catch (Exception e) when (e is IOException || e is AuthenticationException || e is NotSupportedException || e is InvalidOperationException)
                {
                    _onFatal?.Invoke();
                    throw Incomplete(sent, count, $"the TLS stream failed: {TlsCause.Describe(e)}; the session is closed", e);
                }
            }
        }

        /// <summary>Sends the TLS close_notify alert, waiting at most <paramref name="timeout"/> ms. Never throws.</summary>
        public void Finish(int timeout)
        {
            if (!Monitor.TryEnter(_gate))
            {
                return; // A send is under way on another thread; the socket shutdown that follows ends it.
            }

            try
            {
                if (_finished || RuntimeProbes.SslStreamShutdownAsync == null || _pendingWrite != null && !_pendingWrite.IsCompleted || !(_stream is SslStream))
                {
                    return;
                }

                _finished = true;
                var shutdown = (Task)RuntimeProbes.SslStreamShutdownAsync.Invoke(_stream, null)!;
                if (!TaskWaiter.Wait(shutdown, Deadline.After(timeout), CancellationToken.None))
                {
                    TaskWaiter.Forget(shutdown);
                    return;
                }

                _ = shutdown.Exception;
            }
            catch (Exception e) when (e is TargetInvocationException || e is IOException || e is ObjectDisposedException || e is InvalidOperationException || e is NotSupportedException)
            {
                // The peer may be gone; closing goes on all the same.
            }
            finally
            {
                Monitor.Exit(_gate);
            }
        }

        public void Dispose()
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException)
            {
                // Nothing is left to release.
            }

            TaskWaiter.Forget(_pendingWrite);
        }

        /// <summary>Waits for the pending chunk, if any, and counts it; false when the wait ended first.</summary>
        private bool CompletePendingWrite(Deadline deadline, CancellationToken cancellationToken)
        {
            if (_pendingWrite == null)
            {
                return true;
            }

            if (!TaskWaiter.Wait(_pendingWrite, deadline, cancellationToken))
            {
                return false;
            }

            Task written = _pendingWrite;
            _pendingWrite = null;
            written.GetAwaiter().GetResult();
            _counters.AddSent(_pendingCount);
            return true;
        }

        private SocketSessionException Incomplete(int sent, int count, string reason, Exception inner)
        {
            string what = $"Sent {sent} of {count} bytes to {_peer}: {reason}.";
            if (sent > 0)
            {
                return new SendIncompleteException(sent, count, what, _owner, inner);
            }

            string errorId = inner switch
            {
                SocketException socketError => SocketErrorTranslator.ForTransfer(socketError, "sending", _owner).ErrorId,
                ObjectDisposedException _ => ErrorIds.SessionClosed,
                _ => TlsCause.AlertId(inner) ?? ErrorIds.TlsError,
            };
            return new SocketSessionException(errorId, what, _owner, inner);
        }
    }
}
