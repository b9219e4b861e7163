using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;

namespace PSSocket
{
    /// <summary>
    /// What a background server has done: the listener's Server property. Counts are live while it runs and
    /// final once it has stopped.
    /// </summary>
    public sealed class ServerStatistics
    {
        private readonly IConnectionCounts _connections;
        private readonly Func<int, CancellationToken, bool> _waitForStop;
        private long _accepted;
        private long _refused;
        private int _queued;
        private int _awaitingData;
        private long _queueRefused;
        private long _slowClientsDropped;
        private int _state;
        private long _stoppedAtTicks;

        /// <param name="connections">The server's connections: how many are open, and the bytes of all of them.</param>
        /// <param name="waitForStop">Waits for the server to stop: true when it has, false after the timeout (ms).</param>
        internal ServerStatistics(
            ServerMode mode,
            EndPoint? localEndPoint,
            int? maxConnections,
            IReadOnlyList<string> allowedClients,
            IConnectionCounts connections,
            Func<int, CancellationToken, bool> waitForStop)
        {
            _waitForStop = waitForStop;
            Mode = mode;
            LocalEndPoint = localEndPoint;
            MaxConnections = maxConnections;
            AllowedClients = allowedClients;
            _connections = connections;
            StartedAt = DateTime.Now;
        }

        public ServerMode Mode { get; }

        public ServerState State
        {
            get => (ServerState)Volatile.Read(ref _state);
            internal set => Volatile.Write(ref _state, (int)value);
        }

        public EndPoint? LocalEndPoint { get; }

        public DateTime StartedAt { get; }

        public DateTime? StoppedAt
        {
            get
            {
                long ticks = Interlocked.Read(ref _stoppedAtTicks);
                return ticks == 0 ? null : new DateTime(ticks, DateTimeKind.Local);
            }
        }

        /// <summary>Connections the server took on (refused ones are not counted here).</summary>
        public long Accepted => Interlocked.Read(ref _accepted);

        /// <summary>Connections open now, including those waiting for a handler.</summary>
        public int Active => _connections.Open;

        /// <summary>Connections closed at once: the client was not in -AllowedClient, or -MaxConnections were open.</summary>
        public long Refused => Interlocked.Read(ref _refused);

        /// <summary>Script-block mode: connections waiting for a free runspace (beyond -ThrottleLimit).</summary>
        public int Queued => Volatile.Read(ref _queued);

        /// <summary>Script-block mode: connections that have sent nothing yet, so no handler has started for them.</summary>
        public int AwaitingData => Volatile.Read(ref _awaitingData);

        /// <summary>Script-block mode: connections closed unserved because -QueueLimit connections already waited for a handler.</summary>
        public long QueueRefused => Interlocked.Read(ref _queueRefused);

        /// <summary>Broadcast mode: clients disconnected because they fell too far behind reading the relayed lines.</summary>
        public long SlowClientsDropped => Interlocked.Read(ref _slowClientsDropped);

        /// <summary>Bytes received from every connection, open and closed.</summary>
        public long BytesReceived => _connections.BytesReceived;

        /// <summary>Bytes sent to every connection, open and closed.</summary>
        public long BytesSent => _connections.BytesSent;

        /// <summary>The -MaxConnections limit; null when there is none.</summary>
        public int? MaxConnections { get; }

        /// <summary>The -AllowedClient entries; empty when every client is served.</summary>
        public IReadOnlyList<string> AllowedClients { get; }

        public override string ToString() =>
            $"{Mode} server on {EndPoints.Format(LocalEndPoint)}, {State}: {Accepted} accepted, {Active} active, {Refused} refused, "
            + $"{BytesReceived} bytes received, {BytesSent} sent";

        /// <summary>Waits until the server has stopped and its job shows how; false after <paramref name="timeout"/> ms.</summary>
        internal bool WaitForStop(int timeout, CancellationToken cancellationToken) => _waitForStop(timeout, cancellationToken);

        internal void CountAccepted() => Interlocked.Increment(ref _accepted);

        internal void CountRefused() => Interlocked.Increment(ref _refused);

        internal void AddQueued(int delta) => Interlocked.Add(ref _queued, delta);

        internal void AddAwaitingData(int delta) => Interlocked.Add(ref _awaitingData, delta);

        internal void CountQueueRefused() => Interlocked.Increment(ref _queueRefused);

        internal void CountSlowClientDropped() => Interlocked.Increment(ref _slowClientsDropped);

        internal void MarkStopped(ServerState final)
        {
            Interlocked.Exchange(ref _stoppedAtTicks, DateTime.Now.Ticks);
            State = final;
        }
    }
}
