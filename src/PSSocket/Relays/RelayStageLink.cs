using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>One stage of a flow seen as the sink of the step before it: what is written to it goes through the stage.</summary>
    internal sealed class RelayStageLink : IRelaySink
    {
        private readonly IRelayStage _stage;
        private readonly IRelaySink _next;

        public RelayStageLink(IRelayStage stage, IRelaySink next)
        {
            _stage = stage;
            _next = next;
        }

        /// <summary>The head of the chain for <paramref name="stages"/> in order, ending at <paramref name="last"/>; <paramref name="last"/> itself when there are none.</summary>
        public static IRelaySink Chain(IRelayStage[]? stages, IRelaySink last)
        {
            IRelaySink head = last;
            for (int i = (stages?.Length ?? 0) - 1; i >= 0; i--)
            {
                head = new RelayStageLink(stages![i], head);
            }

            return head;
        }

        /// <summary>Completes each stage of the chain starting at <paramref name="head"/>, in order, each handing on to the next.</summary>
        public static async Task CompleteAsync(IRelaySink head, CancellationToken cancellationToken)
        {
            for (IRelaySink sink = head; sink is RelayStageLink link; sink = link._next)
            {
                await link._stage.CompleteAsync(link._next, cancellationToken).ConfigureAwait(false);
            }
        }

        public Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken) => _stage.ForwardAsync(chunk, _next, cancellationToken);

        public void Abort(bool reset, string reason) => _next.Abort(reset, reason);
    }
}
