using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// select() for sessions: waits on one thread until one (or every) session is ready for an event. Plaintext
    /// sockets are watched together with one Socket.Select; tasks (background connects, reads pending on TLS streams)
    /// and datagram queues are looked at between slices. It never takes a byte from a session.
    /// </summary>
    internal sealed class ReadinessWait
    {
        /// <summary>The longest one Select waits: how soon a wait hears of Ctrl+C and of its deadline.</summary>
        private const int MaxSliceMilliseconds = 50;

        /// <summary>The slice while tasks or datagram queues are watched beside sockets: how late those are seen at most.</summary>
        private const int ShortSliceMilliseconds = 1;

        private readonly IReadOnlyList<SocketSession> _sessions;
        private readonly ReadinessEvent _wanted;
        private readonly bool _all;

        /// <param name="all">True: wait until every session is ready. False: until any one is.</param>
        public ReadinessWait(IEnumerable<SocketSession> sessions, ReadinessEvent wanted, bool all)
        {
            _sessions = sessions.Distinct().ToList();
            _wanted = wanted;
            _all = all;
        }

        /// <summary>
        /// The sessions ready for the event, in the order given: as soon as any is ready (or, waiting for all, when all
        /// are), or those ready when <paramref name="timeout"/> (ms, -1 forever) passes, which may be none.
        /// OperationCanceledException when <paramref name="cancellationToken"/> fires.
        /// </summary>
        public IReadOnlyList<SocketSession> Wait(int timeout, CancellationToken cancellationToken)
        {
            Deadline deadline = Deadline.After(timeout);
            var selected = new HashSet<SocketSession>();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ready = new List<SocketSession>();
                var readable = new List<Socket>();
                var writable = new List<Socket>();
                var owners = new Dictionary<Socket, SocketSession>();
                var tasks = new List<Task>();
                bool lookAgain = false;
                foreach (SocketSession session in _sessions)
                {
                    ReadinessNeed need = selected.Contains(session) ? ReadinessNeed.Ready : ReadinessProbe.Probe(session, _wanted);
                    if (need.IsReady)
                    {
                        ready.Add(session);
                    }
                    else if (need.Readable != null)
                    {
                        readable.Add(need.Readable);
                        owners[need.Readable] = session;
                    }
                    else if (need.Writable != null)
                    {
                        writable.Add(need.Writable);
                        owners[need.Writable] = session;
                    }
                    else if (need.Pending != null)
                    {
                        tasks.Add(need.Pending);
                    }
                    else
                    {
                        lookAgain = true;
                    }
                }

                bool done = _all ? ready.Count == _sessions.Count : ready.Count > 0;
                if (done || deadline.HasExpired)
                {
                    return ready;
                }

                int slice = deadline.IsInfinite ? MaxSliceMilliseconds : Math.Min(deadline.RemainingMilliseconds, MaxSliceMilliseconds);
                bool sockets = readable.Count + writable.Count > 0;
                if (sockets)
                {
                    int socketSlice = lookAgain || tasks.Count > 0 ? Math.Min(slice, ShortSliceMilliseconds) : slice;
                    foreach (Socket socket in Select(readable, writable, socketSlice))
                    {
                        SocketSession owner = owners[socket];
                        selected.Add(owner);
                        if (_wanted == ReadinessEvent.Read)
                        {
                            ReadinessProbe.Settle(owner);
                        }
                    }
                }
                else if (tasks.Count > 0)
                {
                    Task.WaitAny(tasks.ToArray(), lookAgain ? Math.Min(slice, ShortSliceMilliseconds) : slice, cancellationToken);
                }
                else
                {
                    cancellationToken.WaitHandle.WaitOne(lookAgain ? Math.Min(slice, ShortSliceMilliseconds) : slice);
                }
            }
        }

        /// <summary>The sockets of both lists that are ready within <paramref name="milliseconds"/>; none when one was closed meanwhile (the next look sees it).</summary>
        private static IEnumerable<Socket> Select(List<Socket> readable, List<Socket> writable, int milliseconds)
        {
            try
            {
                Socket.Select(readable.Count > 0 ? readable : null, writable.Count > 0 ? writable : null, null, milliseconds * 1000);
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException)
            {
                return Enumerable.Empty<Socket>();
            }

            return readable.Concat(writable);
        }
    }
}
