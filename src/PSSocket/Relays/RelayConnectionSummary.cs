using System;
using System.Net;

namespace PSSocket.Relays
{
    /// <summary>One relayed connection once it has ended, written to the relay job's output.</summary>
    public sealed class RelayConnectionSummary
    {
        internal RelayConnectionSummary(
            int connectionId, EndPoint? client, string target, long bytesClientToTarget, long bytesTargetToClient, DateTime startedAt, TimeSpan duration, RelayEnding ending, string? reason)
        {
            ConnectionId = connectionId;
            Client = client;
            Target = target;
            BytesClientToTarget = bytesClientToTarget;
            BytesTargetToClient = bytesTargetToClient;
            StartedAt = startedAt;
            Duration = duration;
            Ending = ending;
            Reason = reason;
        }

        /// <summary>The id of the client's accepted session.</summary>
        public int ConnectionId { get; }

        /// <summary>The client's end point (address and port, or nothing for a Unix socket client).</summary>
        public EndPoint? Client { get; }

        /// <summary>The target as given to -ForwardTo / -ForwardToPath.</summary>
        public string Target { get; }

        /// <summary>Bytes written on to the target.</summary>
        public long BytesClientToTarget { get; }

        /// <summary>Bytes written back to the client.</summary>
        public long BytesTargetToClient { get; }

        public DateTime StartedAt { get; }

        public TimeSpan Duration { get; }

        public RelayEnding Ending { get; }

        /// <summary>What ended it, in words, when it did not end in order; null otherwise.</summary>
        public string? Reason { get; }

        public override string ToString() =>
            $"{ConnectionId} {Client} -> {Target}: {BytesClientToTarget} up, {BytesTargetToClient} down, {Ending}";
    }
}
