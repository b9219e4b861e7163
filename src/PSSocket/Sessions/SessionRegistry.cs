using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace PSSocket.Sessions
{
    /// <summary>The open sessions of one runspace; ids are unique within it.</summary>
    internal sealed class SessionRegistry
    {
        /// <summary>Guards the table of sessions and the next id: any thread adds, removes and lists.</summary>
        private readonly object _gate = new object();
        private readonly SortedDictionary<int, SocketSession> _sessions = new SortedDictionary<int, SocketSession>();
        private int _lastId;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _sessions.Count;
                }
            }
        }

        public IReadOnlyList<SocketSession> Snapshot()
        {
            lock (_gate)
            {
                return _sessions.Values.ToList();
            }
        }

        internal void Add(SocketSession session)
        {
            int id = Interlocked.Increment(ref _lastId);
            lock (_gate)
            {
                session.Id = id;
                _sessions[id] = session;
            }
        }

        internal void Remove(SocketSession session)
        {
            lock (_gate)
            {
                _sessions.Remove(session.Id);
            }
        }

        /// <summary>Closes every session, for module removal and runspace close.</summary>
        public void CloseAll()
        {
            foreach (SocketSession session in Snapshot())
            {
                session.Close();
            }
        }
    }
}
