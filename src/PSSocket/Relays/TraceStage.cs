using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>
    /// Wraps a flow's fault stage and writes to the relay's trace what it hands on (each piece as written, in order)
    /// and how it cut the connection, so the trace shows what the far side got. A flow forwards one chunk at a time,
    /// so the stage can stand as the inner stage's sink for the call in progress.
    /// </summary>
    internal sealed class TraceStage : IRelayStage, IRelaySink
    {
        private readonly IRelayStage _inner;
        private readonly RelayTraceWriter _trace;
        private readonly RelayFlow _flow;
        private IRelaySink? _next;
        private long _offset;

        public TraceStage(IRelayStage inner, RelayTraceWriter trace, RelayFlow flow)
        {
            _inner = inner;
            _trace = trace;
            _flow = flow;
        }

        public Task ForwardAsync(ArraySegment<byte> chunk, IRelaySink next, CancellationToken cancellationToken)
        {
            _next = next;
            return _inner.ForwardAsync(chunk, this, cancellationToken);
        }

        public async Task CompleteAsync(IRelaySink next, CancellationToken cancellationToken)
        {
            _next = next;
            await _inner.CompleteAsync(this, cancellationToken).ConfigureAwait(false);
            _trace.Note(_flow, $"end of stream after {_offset} bytes");
        }

        public async Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken)
        {
            await _trace.WriteAsync(_flow, _offset, chunk, cancellationToken).ConfigureAwait(false);
            _offset += chunk.Count;
            await _next!.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        public void Abort(bool reset, string reason)
        {
            _trace.Note(_flow, $"{(reset ? "reset" : "closed")} after {_offset} bytes ({reason})");
            _next!.Abort(reset, reason);
        }
    }
}
