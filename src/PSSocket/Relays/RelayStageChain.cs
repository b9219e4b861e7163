using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>
    /// Several stages as one: each stage's sink is the next stage, the last one's is the relay's sink. The stage
    /// source hands the relay one chain, so the relay never has to know how stages follow each other.
    /// </summary>
    internal sealed class RelayStageChain : IRelayStage
    {
        private readonly IRelayStage[] _stages;

        public RelayStageChain(IRelayStage[] stages)
        {
            _stages = stages;
        }

        public Task ForwardAsync(ArraySegment<byte> chunk, IRelaySink next, CancellationToken cancellationToken) =>
            _stages[0].ForwardAsync(chunk, SinkAfter(0, next), cancellationToken);

        public async Task CompleteAsync(IRelaySink next, CancellationToken cancellationToken)
        {
            for (int i = 0; i < _stages.Length; i++)
            {
                await _stages[i].CompleteAsync(SinkAfter(i, next), cancellationToken).ConfigureAwait(false);
            }
        }

        private IRelaySink SinkAfter(int index, IRelaySink last) =>
            index + 1 < _stages.Length ? new StageSink(_stages[index + 1], SinkAfter(index + 1, last)) : last;

        /// <summary>A stage seen as the sink of the stage before it.</summary>
        private sealed class StageSink : IRelaySink
        {
            private readonly IRelayStage _stage;
            private readonly IRelaySink _next;

            public StageSink(IRelayStage stage, IRelaySink next)
            {
                _stage = stage;
                _next = next;
            }

            public Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken) => _stage.ForwardAsync(chunk, _next, cancellationToken);

            public void Abort(bool reset, string reason)
            {
                (_stage as IRelayAbortObserver)?.Aborting(reset, reason);
                _next.Abort(reset, reason);
            }
        }
    }
}
