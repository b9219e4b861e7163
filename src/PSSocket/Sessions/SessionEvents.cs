using System;
using System.Threading;
using PSSocket.Errors;

namespace PSSocket.Sessions
{
    /// <summary>
    /// A session's .NET events and the read-ahead behind them. Handlers run on the thread that saw the change (a
    /// thread-pool completion, the datagram receiver, the closing thread): PowerShell's Register-ObjectEvent only
    /// queues the event there, and its -Action runs on the pipeline's own event loop. A handler that throws costs
    /// only itself: the other handlers and the receive loop go on.
    /// </summary>
    internal sealed class SessionEvents
    {
        private readonly SocketSession _session;
        private readonly ReceivePump _pump;
        private int _connectedRaised;
        private int _peerClosedRaised;
        private int _closedRaised;

        public SessionEvents(SocketSession session)
        {
            _session = session;
            _pump = new ReceivePump(session, this);
        }

        public event EventHandler<SocketDataEventArgs>? DataArrived;

        public event EventHandler<SocketSessionEventArgs>? PeerClosed;

        public event EventHandler<SocketSessionEventArgs>? Connected;

        public event EventHandler<SocketSessionEventArgs>? Closed;

        public event EventHandler<SocketErrorEventArgs>? Error;

        /// <summary>Someone listens for what arrives: only then does the pump read ahead.</summary>
        public bool WantsReads => DataArrived != null || PeerClosed != null;

        /// <summary>True while the read-ahead runs (for tests and diagnostics).</summary>
        public bool Pumping => _pump.IsRunning;

        /// <summary>Starts the read-ahead when the first arrival handler comes, stops it when the last one goes.</summary>
        public void SubscriptionsChanged()
        {
            if (WantsReads)
            {
                _pump.Start();
            }
            else
            {
                _pump.Stop();
            }
        }

        public void OnConnected()
        {
            if (Interlocked.Exchange(ref _connectedRaised, 1) == 0)
            {
                Raise(Connected, new SocketSessionEventArgs(_session));
            }

            SubscriptionsChanged();
        }

        public void OnDataArrived() => Raise(DataArrived, new SocketDataEventArgs(_session));

        public void OnPeerClosed()
        {
            if (Interlocked.Exchange(ref _peerClosedRaised, 1) == 0)
            {
                Raise(PeerClosed, new SocketSessionEventArgs(_session));
            }
        }

        public void OnError(SocketSessionException error) => Raise(Error, new SocketErrorEventArgs(_session, error.ErrorId, error));

        public void OnClosed()
        {
            _pump.Stop();
            if (Interlocked.Exchange(ref _closedRaised, 1) == 0)
            {
                Raise(Closed, new SocketSessionEventArgs(_session));
            }
        }

        /// <summary>Stops reading ahead until the returned object is disposed (STARTTLS must see the socket's bytes first).</summary>
        public IDisposable Pause()
        {
            _pump.Suspend();
            return new Resumer(this);
        }

        private void Raise<T>(EventHandler<T>? handlers, T args)
        {
            if (handlers == null)
            {
                return;
            }

            foreach (EventHandler<T> handler in handlers.GetInvocationList())
            {
                try
                {
                    handler(_session, args);
                }
                catch (Exception)
                {
                    // A subscriber's failure is its own: it must not stop the receive loop or the other subscribers.
                }
            }
        }

        private sealed class Resumer : IDisposable
        {
            private SessionEvents? _events;

            public Resumer(SessionEvents events) => _events = events;

            public void Dispose()
            {
                SessionEvents? events = Interlocked.Exchange(ref _events, null);
                if (events != null)
                {
                    events._pump.Resume();
                    events.SubscriptionsChanged();
                }
            }
        }
    }
}
