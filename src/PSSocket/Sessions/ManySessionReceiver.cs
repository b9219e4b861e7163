using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Receives records from several stream sessions at once, on the calling thread, in the order they become
    /// whole: each session's records in its own order, none lost. It waits on the sessions' pending reads, not on a
    /// thread per session, and takes the sessions in turn so a busy one cannot starve the others.
    /// </summary>
    internal sealed class ManySessionReceiver
    {
        /// <summary>How soon to look again at a session whose receiver was busy (its read-ahead holds the turn briefly).</summary>
        private const int BusyRetryMilliseconds = 10;

        private readonly List<Entry> _open = new List<Entry>();
        private readonly Func<SocketSession, SessionReceiver, Deadline, byte[]?> _receiveOne;
        private int _next;

        /// <param name="receiveOne">One record in the framing asked for, within the deadline; null at end of stream.</param>
        public ManySessionReceiver(IEnumerable<(SocketSession Session, SessionReceiver Receiver)> sessions, Func<SocketSession, SessionReceiver, Deadline, byte[]?> receiveOne)
        {
            foreach ((SocketSession session, SessionReceiver receiver) in sessions)
            {
                _open.Add(new Entry(session, receiver));
            }

            _receiveOne = receiveOne;
        }

        /// <summary>Sessions that have not ended or failed yet.</summary>
        public int OpenCount => _open.Count;

        /// <summary>
        /// The next record from any session, a session's end or failure, or <see cref="MergedOutcome.IdleTimedOut"/>
        /// when nothing happened within <paramref name="idleTimeout"/> ms (-1: forever). OperationCanceledException on
        /// <paramref name="cancellationToken"/>; bytes of records not yet whole stay buffered on their sessions.
        /// </summary>
        public MergedRecord Next(int idleTimeout, CancellationToken cancellationToken)
        {
            Deadline idle = Deadline.After(idleTimeout);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_open.Count == 0)
                {
                    return new MergedRecord(MergedOutcome.AllEnded, null, null, null);
                }

                for (int tried = 0; tried < _open.Count; tried++)
                {
                    int index = (_next + tried) % _open.Count;
                    Entry entry = _open[index];
                    if (entry.Ready != null && !entry.Ready.IsCompleted)
                    {
                        continue;
                    }

                    MergedRecord? found = TryTake(entry, index);
                    if (found != null)
                    {
                        return found;
                    }
                }

                if (idle.HasExpired)
                {
                    return new MergedRecord(MergedOutcome.IdleTimedOut, null, null, null);
                }

                var waits = new Task[_open.Count];
                for (int i = 0; i < waits.Length; i++)
                {
                    waits[i] = _open[i].Ready!;
                }

                Task.WaitAny(waits, idle.RemainingMilliseconds, cancellationToken);
            }
        }

        private MergedRecord? TryTake(Entry entry, int index)
        {
            byte[]? record;
            try
            {
                record = _receiveOne(entry.Session, entry.Receiver, Deadline.After(0));
            }
            catch (SocketSessionException e) when (e.ErrorId == ErrorIds.ReceiveTimedOut)
            {
                entry.Ready = entry.Receiver.PendingRead ?? Task.Delay(BusyRetryMilliseconds);
                return null;
            }
            catch (SocketSessionException e)
            {
                _open.RemoveAt(index);
                return new MergedRecord(MergedOutcome.Failed, entry.Session, null, e);
            }

            entry.Ready = null;
            if (record == null)
            {
                _open.RemoveAt(index);
                return new MergedRecord(MergedOutcome.Ended, entry.Session, null, null);
            }

            _next = index + 1;
            return new MergedRecord(MergedOutcome.Record, entry.Session, record, null);
        }

        private sealed class Entry
        {
            public Entry(SocketSession session, SessionReceiver receiver)
            {
                Session = session;
                Receiver = receiver;
            }

            public SocketSession Session { get; }

            public SessionReceiver Receiver { get; }

            /// <summary>Null: worth trying now. Otherwise completes when the session may have a record.</summary>
            public Task? Ready { get; set; }
        }
    }
}
