using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>Where a relay stage hands bytes on, and how a stage ends its connection on purpose.</summary>
    internal interface IRelaySink
    {
        /// <summary>Writes the chunk on (for a UDP relay: sends it as one datagram). Completes when it was written.</summary>
        Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken);

        /// <summary>
        /// Ends the whole relayed connection now: with <paramref name="reset"/>, both peers get a reset (SO_LINGER 0);
        /// without it, both get an orderly close. Bytes not yet written are dropped; the relay reports how it ended.
        /// </summary>
        void Abort(bool reset, string reason);
    }
}
