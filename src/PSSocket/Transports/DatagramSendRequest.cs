using System.Net;
using System.Threading;
using PSSocket.Threading;

namespace PSSocket.Transports
{
    /// <summary>One datagram to send: to <see cref="To"/> (sendto), or to the connected peer when it is null.</summary>
    internal readonly struct DatagramSendRequest
    {
        public DatagramSendRequest(byte[] data, EndPoint? to, string described, Deadline deadline, CancellationToken cancellationToken)
        {
            Data = data;
            To = to;
            Described = described;
            Deadline = deadline;
            CancellationToken = cancellationToken;
        }

        public byte[] Data { get; }

        public EndPoint? To { get; }

        /// <summary>The destination as messages name it.</summary>
        public string Described { get; }

        public Deadline Deadline { get; }

        public CancellationToken CancellationToken { get; }
    }
}
