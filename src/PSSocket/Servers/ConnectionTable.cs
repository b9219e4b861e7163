using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// The open connections of one server and the byte counts of the closed ones. A connection leaves the table
    /// when it closes, whoever closes it: the server, a handler, or the user with Close-Socket.
    /// </summary>
    internal sealed class ConnectionTable : IConnectionCounts
    {
        /// <summary>Guards the open set and the closed connections' byte totals, so a count never misses a connection moving between them.</summary>
        private readonly object _gate = new object();
        private readonly HashSet<SocketSession> _open = new HashSet<SocketSession>();
        private long _closedBytesReceived;
        private long _closedBytesSent;

        public int Open
        {
            get
            {
                lock (_gate)
                {
                    return _open.Count;
                }
            }
        }

        public long BytesReceived
        {
            get
            {
                lock (_gate)
                {
                    return Interlocked.Read(ref _closedBytesReceived) + _open.Sum(s => s.BytesReceived);
                }
            }
        }

        public long BytesSent
        {
            get
            {
                lock (_gate)
                {
                    return Interlocked.Read(ref _closedBytesSent) + _open.Sum(s => s.BytesSent);
                }
            }
        }

        public void Add(SocketSession connection)
        {
            lock (_gate)
            {
                _open.Add(connection);
            }
        }

        /// <summary>Takes a closed connection out and keeps its byte counts; false when it was not in the table.</summary>
        public bool Remove(SocketSession connection)
        {
            lock (_gate)
            {
                if (!_open.Remove(connection))
                {
                    return false;
                }

                _closedBytesReceived += connection.BytesReceived;
                _closedBytesSent += connection.BytesSent;
                return true;
            }
        }

        public List<SocketSession> Snapshot()
        {
            lock (_gate)
            {
                return _open.ToList();
            }
        }
    }
}
