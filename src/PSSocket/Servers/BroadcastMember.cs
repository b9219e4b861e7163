using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// One client of a broadcast server and its outbound queue. Messages relayed to it wait in a bounded queue that
    /// one asynchronous drain sends in order; a member whose queue would grow past the hub's limits (it reads more
    /// slowly than the others write) is dropped by the hub rather than let the queue grow.
    /// </summary>
    internal sealed class BroadcastMember
    {
        /// <summary>Guards the queue, its byte count and the flags below.</summary>
        private readonly object _gate = new object();
        private readonly Queue<byte[]> _queue = new Queue<byte[]>();
        private readonly BroadcastHandler _hub;
        private readonly SocketServer _server;
        private long _queuedBytes;
        private bool _draining;
        private bool _closed;
        private TaskCompletionSource<bool>? _farewellSent;

        public BroadcastMember(BroadcastHandler hub, SocketServer server, SocketSession session)
        {
            _hub = hub;
            _server = server;
            Session = session;
        }

        public SocketSession Session { get; }

        /// <summary>Queues a relayed message; drops the member when its queue is full.</summary>
        public void Enqueue(byte[] message)
        {
            bool start = false;
            bool full = false;
            long queued;
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                queued = _queuedBytes;
                if (_queue.Count >= _hub.MaxQueuedMessages || _queuedBytes + message.Length > _hub.MaxQueuedBytes)
                {
                    _closed = true;
                    full = true;
                    ForgetQueued();
                }
                else
                {
                    _queue.Enqueue(message);
                    _queuedBytes += message.Length;
                    start = !_draining;
                    _draining = true;
                }
            }

            if (full)
            {
                _hub.DropSlow(this, queued);
            }
            else if (start)
            {
                _server.Serve(Session, DrainAsync);
            }
        }

        /// <summary>
        /// Takes no more relayed messages and forgets those not sent yet; sends <paramref name="farewell"/> after the one
        /// going out now. The task completes when the farewell has gone out or the connection failed.
        /// </summary>
        public Task SayGoodbyeAsync(byte[] farewell)
        {
            var sent = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            bool start;
            lock (_gate)
            {
                _closed = true;
                ForgetQueued();
                _queue.Enqueue(farewell);
                _queuedBytes = farewell.Length;
                _farewellSent = sent;
                start = !_draining;
                _draining = true;
            }

            if (start)
            {
                _server.Serve(Session, DrainAsync);
            }

            return sent.Task;
        }

        /// <summary>The member has left: nothing more is queued or sent to it.</summary>
        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
                ForgetQueued();
            }
        }

        private void ForgetQueued()
        {
            _queue.Clear();
            _queuedBytes = 0;
        }

        private async Task DrainAsync()
        {
            using var io = new ConnectionIO(Session, Timeout.Infinite);
            try
            {
                while (true)
                {
                    byte[] message;
                    lock (_gate)
                    {
                        if (_queue.Count == 0)
                        {
                            _draining = false;
                            _farewellSent?.TrySetResult(true);
                            return;
                        }

                        message = _queue.Peek();
                    }

                    await io.SendAll(message, 0, message.Length);
                    lock (_gate)
                    {
                        // The queue may have been emptied meanwhile (the member left or said goodbye).
                        if (_queue.Count > 0 && ReferenceEquals(_queue.Peek(), message))
                        {
                            _queue.Dequeue();
                            _queuedBytes -= message.Length;
                        }
                    }
                }
            }
            catch (SocketSessionException e)
            {
                lock (_gate)
                {
                    _closed = true;
                    ForgetQueued();
                    _draining = false;
                    _farewellSent?.TrySetResult(false);
                }

                if (!_server.IsStopping)
                {
                    _server.ReportConnectionEnded(Session, io.Explain(e));
                }

                _hub.Leave(this);
                Session.Close();
            }
        }
    }
}
