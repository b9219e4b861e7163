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
        private readonly ReadinessEvent[] _wanted;
        private readonly bool _all;

        /// <param name="wanted">
        /// A session is ready when it is ready for any of these. With other events beside it, Connect counts only for
        /// a session whose background connect has not been reported yet, so a connected session waits for the others.
        /// </param>
        /// <param name="all">True: wait until every session is ready. False: until any one is.</param>
        public ReadinessWait(IEnumerable<SocketSession> sessions, IEnumerable<ReadinessEvent> wanted, bool all)
        {
            _sessions = sessions.Distinct().ToList();
            _wanted = wanted.Distinct().ToArray();
            _all = all;
        }

        public ReadinessWait(IEnumerable<SocketSession> sessions, ReadinessEvent wanted, bool all)
            : this(sessions, new[] { wanted }, all)
        {
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

            // Each session's needs from its last look; only a session with news (a task finished, a queue to look at
            // again) is looked at again, so a wait over thousands of idle sessions costs one Select per slice.
            var needs = new List<ReadinessNeed>[_sessions.Count];
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ready = new List<SocketSession>();
                var readable = new List<Socket>();
                var writable = new List<Socket>();
                var owners = new Dictionary<Socket, SocketSession>();
                var tasks = new List<Task>();
                bool lookAgain = false;
                for (int i = 0; i < _sessions.Count; i++)
                {
                    SocketSession session = _sessions[i];
                    if (selected.Contains(session))
                    {
                        ready.Add(session);
                        continue;
                    }

                    if (needs[i] == null || needs[i].Any(n => n.Pending?.IsCompleted ?? (n.Readable == null && n.Writable == null)))
                    {
                        needs[i] = Probe(session);
                    }

                    if (needs[i].Any(n => n.IsReady))
                    {
                        ready.Add(session);
                        continue;
                    }

                    foreach (ReadinessNeed need in needs[i])
                    {
                        if (need.Readable != null)
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
                }

                bool done = _all ? ready.Count == _sessions.Count : ready.Count > 0;
                if (done || deadline.HasExpired)
                {
                    if (_wanted.Contains(ReadinessEvent.Connect))
                    {
                        foreach (SocketSession session in ready.Where(s => s.State != SocketState.Connecting))
                        {
                            session.ConnectUnreported = false;
                        }
                    }

                    return ready;
                }

                int slice = deadline.IsInfinite ? MaxSliceMilliseconds : Math.Min(deadline.RemainingMilliseconds, MaxSliceMilliseconds);
                bool sockets = readable.Count + writable.Count > 0;
                if (sockets)
                {
                    int socketSlice = lookAgain || tasks.Count > 0 ? Math.Min(slice, ShortSliceMilliseconds) : slice;
                    (List<Socket> readableNow, List<Socket> writableNow, bool failed) = Select(readable, writable, socketSlice);
                    if (failed)
                    {
                        Array.Clear(needs, 0, needs.Length); // a socket closed meanwhile: look at every session again
                    }

                    foreach (Socket socket in readableNow)
                    {
                        selected.Add(owners[socket]);
                        ReadinessProbe.Settle(owners[socket]);
                    }

                    foreach (Socket socket in writableNow)
                    {
                        selected.Add(owners[socket]);
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

        /// <summary>
        /// What one session needs for each event asked. Connect beside other events counts only while the session's
        /// background connect is unreported; a session no event applies to is ready (a call now would not wait).
        /// </summary>
        private List<ReadinessNeed> Probe(SocketSession session)
        {
            var needs = new List<ReadinessNeed>();
            foreach (ReadinessEvent wanted in _wanted)
            {
                if (wanted == ReadinessEvent.Connect && _wanted.Length > 1 && !session.ConnectUnreported)
                {
                    continue;
                }

                needs.Add(ReadinessProbe.Probe(session, wanted));
            }

            return needs.Count > 0 ? needs : new List<ReadinessNeed> { ReadinessNeed.Ready };
        }

        /// <summary>The sockets of each list that are ready within <paramref name="milliseconds"/>; none, and failed, when one was closed meanwhile.</summary>
        private static (List<Socket> Readable, List<Socket> Writable, bool Failed) Select(List<Socket> readable, List<Socket> writable, int milliseconds)
        {
            // Socket.Select keeps in each list only the sockets that are ready: it needs lists of its own.
            var readNow = new List<Socket>(readable);
            var writeNow = new List<Socket>(writable);
            try
            {
                Socket.Select(readNow.Count > 0 ? readNow : null, writeNow.Count > 0 ? writeNow : null, null, milliseconds * 1000);
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException)
            {
                return (new List<Socket>(), new List<Socket>(), true);
            }

            return (readNow, writeNow, false);
        }
    }
}
