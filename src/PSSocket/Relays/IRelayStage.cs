using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>
    /// A step between a relay's read from one side and its write to the other (a fault, a trace). The relay passes
    /// each chunk it reads through its flow's stages in order; a stage may delay, split, hold or cut the bytes, and
    /// hands on every byte it does not cut. The relay reads the next chunk only when the returned task completes, so
    /// a stage that holds bytes holds back the sender too (back-pressure, bounded memory).
    /// </summary>
    internal interface IRelayStage
    {
        Task ForwardAsync(ArraySegment<byte> chunk, IRelaySink next, CancellationToken cancellationToken);

        /// <summary>The source ended (end of stream, or the UDP association expired); the stage lets go of what it holds.</summary>
        Task CompleteAsync(IRelaySink next, CancellationToken cancellationToken);
    }
}
