using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Accepting on a TLS listener: every accepted connection's handshake runs on its own, side by side, so a client
    /// that stalls mid-handshake does not hold up the next one. An accept call takes the first connection whose
    /// handshake ends (a failed one as its error); handshakes still going on are kept for later calls, each bounded by
    /// its connection's ConnectTimeout, and stopped when the listener closes.
    /// </summary>
    internal sealed class TlsAcceptQueue
    {
        /// <summary>Handshakes going on at once; beyond this many the listener stops accepting until one ends.</summary>
        private const int MaxHandshakes = 64;

        private readonly SocketSession _listener;

        /// <summary>Guards the list of handshakes: accept calls add and take, Close empties it.</summary>
        private readonly object _gate = new object();
        private readonly List<(SocketSession Session, Task Handshake)> _handshakes = new List<(SocketSession, Task)>();
        private readonly CancellationTokenSource _closing = new CancellationTokenSource();

        public TlsAcceptQueue(SocketSession listener)
        {
            _listener = listener;
        }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _handshakes.Count;
                }
            }
        }

        /// <summary>True while as many handshakes are going on as are allowed at once.</summary>
        public bool IsFull => Count >= MaxHandshakes;

        /// <summary>Starts the server handshake of an accepted connection, within its ConnectTimeout.</summary>
        public void Start(SocketSession accepted, TlsServerOptions tls)
        {
            CancellationToken closing = _closing.Token;
            Task handshake = Task.Run(() => accepted.Stream.StartTls(tls, accepted.ConnectTimeout, false, closing, false));
            lock (_gate)
            {
                _handshakes.Add((accepted, handshake));
            }
        }

        /// <summary>A connection whose handshake ended, or null; a failed handshake throws its error (its connection already closed).</summary>
        public SocketSession? TakeFinished()
        {
            (SocketSession Session, Task Handshake) done;
            lock (_gate)
            {
                int index = _handshakes.FindIndex(h => h.Handshake.IsCompleted);
                if (index < 0)
                {
                    return null;
                }

                done = _handshakes[index];
                _handshakes.RemoveAt(index);
            }

            done.Handshake.GetAwaiter().GetResult();
            return done.Session;
        }

        /// <summary>A task that completes when any handshake ends or <paramref name="accepted"/> brings a connection.</summary>
        public Task AnyFinished(Task<Socket>? accepted)
        {
            var waits = new List<Task>();
            lock (_gate)
            {
                waits.AddRange(_handshakes.Select(h => h.Handshake));
            }

            if (accepted != null)
            {
                waits.Add(accepted);
            }

            return Task.WhenAny(waits);
        }

        /// <summary>At the listener's close: stops the handshakes going on (each closes its connection) and forgets them.</summary>
        public void Close()
        {
            List<(SocketSession Session, Task Handshake)> going;
            lock (_gate)
            {
                going = _handshakes.ToList();
                _handshakes.Clear();
            }

            try
            {
                _closing.Cancel();
            }
            catch (AggregateException)
            {
                // A registration threw; the token is cancelled all the same.
            }

            foreach ((SocketSession session, Task handshake) in going)
            {
                TaskWaiter.Forget(handshake);
                handshake.ContinueWith(
                    t => CloseQuietly(session),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }

        private static void CloseQuietly(SocketSession session)
        {
            try
            {
                session.Close();
            }
            catch (Exception)
            {
                // A continuation of ours: nothing may escape it, and the listener is closing anyway.
            }
        }
    }
}
