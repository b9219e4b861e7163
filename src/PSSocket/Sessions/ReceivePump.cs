using System;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Reads a stream session's bytes ahead into its own receive buffer and raises DataArrived and PeerClosed. It
    /// is an asynchronous loop, not a thread: between reads it holds nothing but a pending socket read. It never
    /// consumes a byte; it stops reading while the buffer holds <see cref="BufferLimit"/> bytes, until a receive
    /// takes some.
    /// </summary>
    internal sealed class ReceivePump
    {
        /// <summary>The most a session buffers by reading ahead: a script that never reads costs no more.</summary>
        public const int BufferLimit = 1024 * 1024;

        private readonly SocketSession _session;
        private readonly SessionEvents _events;

        /// <summary>Guards _running and _suspended, and each read-ahead step, so a stopped pump reads nothing more.</summary>
        private readonly object _gate = new object();
        private CancellationTokenSource? _running;
        private bool _suspended;

        public ReceivePump(SocketSession session, SessionEvents events)
        {
            _session = session;
            _events = events;
        }

        public bool IsRunning
        {
            get
            {
                lock (_gate)
                {
                    return _running != null;
                }
            }
        }

        /// <summary>Starts the loop unless it runs, is suspended, or the session cannot receive a stream (yet).</summary>
        public void Start()
        {
            CancellationTokenSource stop;
            lock (_gate)
            {
                if (_running != null || _suspended || _session.IsDatagram || CurrentReceiver() == null)
                {
                    return;
                }

                stop = _running = new CancellationTokenSource();
            }

            Task.Run(() => RunAsync(stop));
        }

        public void Stop()
        {
            lock (_gate)
            {
                _running?.Cancel();
                _running = null;
            }
        }

        /// <summary>Stops the loop and keeps it stopped until <see cref="Resume"/>; once this returns, no read-ahead step runs.</summary>
        public void Suspend()
        {
            lock (_gate)
            {
                _suspended = true;
                _running?.Cancel();
                _running = null;
            }
        }

        public void Resume()
        {
            lock (_gate)
            {
                _suspended = false;
            }
        }

        private async Task RunAsync(CancellationTokenSource stop)
        {
            CancellationToken token = stop.Token;
            try
            {
                SessionReceiver? receiver = CurrentReceiver();
                if (receiver != null && receiver.Buffered > 0)
                {
                    _events.OnDataArrived(); // bytes that came before anyone listened
                }

                while (receiver != null)
                {
                    Task turnEnd = receiver.NextTurnEnd();
                    ReadAheadResult result;
                    lock (_gate)
                    {
                        if (token.IsCancellationRequested)
                        {
                            return;
                        }

                        result = receiver.ReadAhead(BufferLimit);
                    }

                    switch (result)
                    {
                        case ReadAheadResult.Arrived:
                            _events.OnDataArrived();
                            break;
                        case ReadAheadResult.EndOfStream:
                            _events.OnPeerClosed();
                            return;
                        case ReadAheadResult.Waiting:
                            await WaitFor(receiver.PendingRead ?? turnEnd, token).ConfigureAwait(false);
                            break;
                        default:
                            await WaitFor(turnEnd, token).ConfigureAwait(false);
                            break;
                    }

                    receiver = CurrentReceiver();
                }
            }
            catch (SocketSessionException e) when (!token.IsCancellationRequested && _session.State != SocketState.Closed)
            {
                _events.OnError(e);
            }
            catch (Exception)
            {
                // A failure after Close or a stop reports nothing; nothing escapes a background loop.
            }
            finally
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_running, stop))
                    {
                        _running = null;
                    }
                }
            }
        }

        /// <summary>The stream receiver now (STARTTLS replaces it), or null while the session cannot receive.</summary>
        private SessionReceiver? CurrentReceiver()
        {
            try
            {
                return _session.Stream.Receiver;
            }
            catch (SocketSessionException)
            {
                return null;
            }
        }

        /// <summary>Until <paramref name="task"/> completes or the pump stops; never throws, and leaves no registration behind.</summary>
        private static async Task WaitFor(Task task, CancellationToken token)
        {
            var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(() => stopped.TrySetResult(true)))
            {
                await Task.WhenAny(task, stopped.Task).ConfigureAwait(false);
            }
        }
    }
}
