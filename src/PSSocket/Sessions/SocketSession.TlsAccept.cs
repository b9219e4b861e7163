using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Accepting on a TLS listener: every accepted connection's handshake runs on its own, side by side, so a client
    /// that stalls mid-handshake does not hold up the next one. A call returns the first connection whose handshake
    /// ends (a failed one as its error), within its own timeout; handshakes still going on are kept for later calls,
    /// each bounded by its connection's ConnectTimeout, and stopped when the listener closes.
    /// </summary>
    public sealed partial class SocketSession
    {
        /// <summary>Handshakes going on at once; beyond this many the listener stops accepting until one ends.</summary>
        private const int MaxTlsHandshakes = 64;

        private readonly List<TlsAccepted> _tlsHandshakes = new List<TlsAccepted>();
        private readonly CancellationTokenSource _tlsAcceptClosing = new CancellationTokenSource();

        /// <summary>Handshakes of accepted connections not yet handed out by an accept call.</summary>
        internal int TlsHandshakesPending
        {
            get
            {
                lock (_tlsHandshakes)
                {
                    return _tlsHandshakes.Count;
                }
            }
        }

        /// <summary>Call under the accept gate.</summary>
        private SocketSession AcceptTls(Socket listener, int timeout, Deadline deadline, CancellationToken cancellationToken)
        {
            while (true)
            {
                TlsAccepted? done = TakeFinishedHandshake();
                if (done != null)
                {
                    done.Handshake.GetAwaiter().GetResult(); // a failed handshake's error, its connection already closed
                    return done.Session;
                }

                var waits = new List<Task>();
                lock (_tlsHandshakes)
                {
                    waits.AddRange(_tlsHandshakes.Select(h => h.Handshake));
                }

                Task<Socket>? accepted = waits.Count < MaxTlsHandshakes ? (_pendingAccept ??= listener.AcceptAsync()) : null;
                if (accepted != null)
                {
                    waits.Add(accepted);
                }

                if (!TaskWaiter.Wait(Task.WhenAny(waits), deadline, cancellationToken))
                {
                    int going = TlsHandshakesPending;
                    string handshakes = going == 0 ? string.Empty : $" ({going} TLS handshake(s) still going on, kept for the next call)";
                    throw new SocketSessionException(
                        ErrorIds.AcceptTimedOut,
                        $"No connection arrived at {EndPoints.Format(LocalEndPoint)} within {timeout} ms{handshakes}.",
                        this);
                }

                if (accepted != null && accepted.IsCompleted)
                {
                    if (!ReferenceEquals(Interlocked.CompareExchange(ref _pendingAccept, null, accepted), accepted))
                    {
                        throw Closed(); // Close took the accept, and disposes what it brings
                    }

                    StartHandshake(FromAccepted(accepted.GetAwaiter().GetResult(), _settings.Clone(), _registry));
                }
            }
        }

        private TlsAccepted? TakeFinishedHandshake()
        {
            lock (_tlsHandshakes)
            {
                int index = _tlsHandshakes.FindIndex(h => h.Handshake.IsCompleted);
                if (index < 0)
                {
                    return null;
                }

                TlsAccepted done = _tlsHandshakes[index];
                _tlsHandshakes.RemoveAt(index);
                return done;
            }
        }

        private void StartHandshake(SocketSession session)
        {
            Tls.TlsServerOptions tls = ServerTls!;
            CancellationToken closing = _tlsAcceptClosing.Token;
            Task handshake = Task.Run(() => session.StartTls(tls, session.ConnectTimeout, false, closing));
            lock (_tlsHandshakes)
            {
                _tlsHandshakes.Add(new TlsAccepted(session, handshake));
            }
        }

        /// <summary>At close: stops the handshakes going on (each closes its connection) and forgets them.</summary>
        private void CloseTlsAccepts()
        {
            List<TlsAccepted> going;
            lock (_tlsHandshakes)
            {
                going = _tlsHandshakes.ToList();
                _tlsHandshakes.Clear();
            }

            try
            {
                _tlsAcceptClosing.Cancel();
            }
            catch (AggregateException)
            {
                // A registration threw; the token is cancelled all the same.
            }

            foreach (TlsAccepted accepted in going)
            {
                TaskWaiter.Forget(accepted.Handshake);
                accepted.Handshake.ContinueWith(
                    t => CloseQuietly(accepted.Session),
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

        private sealed class TlsAccepted
        {
            public TlsAccepted(SocketSession session, Task handshake)
            {
                Session = session;
                Handshake = handshake;
            }

            public SocketSession Session { get; }

            public Task Handshake { get; }
        }
    }
}
