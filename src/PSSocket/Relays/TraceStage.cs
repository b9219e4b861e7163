using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>Writes what one flow hands on to the relay's trace, then hands it on unchanged.</summary>
    internal sealed class TraceStage : IRelayStage, IRelayAbortObserver
    {
        private readonly RelayTraceWriter _trace;
        private readonly RelayFlow _flow;
        private long _offset;

        public TraceStage(RelayTraceWriter trace, RelayFlow flow)
        {
            _trace = trace;
            _flow = flow;
        }

        public async Task ForwardAsync(ArraySegment<byte> chunk, IRelaySink next, CancellationToken cancellationToken)
        {
            await _trace.WriteAsync(_flow, _offset, chunk, cancellationToken).ConfigureAwait(false);
            _offset += chunk.Count;
            await next.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        public Task CompleteAsync(IRelaySink next, CancellationToken cancellationToken)
        {
            _trace.Note(_flow, $"end of stream after {_offset} bytes");
            return Task.CompletedTask;
        }

        public void Aborting(bool reset, string reason) => _trace.Note(_flow, $"{(reset ? "reset" : "closed")} after {_offset} bytes ({reason})");
    }
}
