using System.Net;

namespace PSSocket.Relays
{
    /// <summary>One direction of one relayed connection (or UDP association), as its stages see it.</summary>
    internal sealed class RelayFlow
    {
        public RelayFlow(int connectionId, EndPoint? client, EndPoint? target, RelayDirection direction, bool datagrams)
        {
            ConnectionId = connectionId;
            Client = client;
            Target = target;
            Direction = direction;
            Datagrams = datagrams;
        }

        /// <summary>The session id of the client's accepted connection (for UDP, an association number).</summary>
        public int ConnectionId { get; }

        public EndPoint? Client { get; }

        public EndPoint? Target { get; }

        public RelayDirection Direction { get; }

        /// <summary>True for a UDP relay: each chunk is one whole datagram, and a sink write sends one datagram.</summary>
        public bool Datagrams { get; }
    }
}
