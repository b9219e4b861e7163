using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Relays;

namespace PSSocket.Tests.Relays
{
    /// <summary>A stage source for engine tests: each flow gets a stage that records what passes and may abort on the first chunk.</summary>
    internal sealed class RecordingStageSource : IRelayStageSource
    {
        public ConcurrentQueue<string> Events { get; } = new ConcurrentQueue<string>();

        /// <summary>When set, the first chunk of the client-to-target flow aborts the connection instead of passing (true: reset).</summary>
        public bool? AbortWithReset { get; set; }

        public bool RefusesNewConnections { get; set; }

        public IRelayStage[] StagesFor(RelayFlow flow) => new IRelayStage[] { new Recording(this, flow, "first"), new Recording(this, flow, "second") };

        private sealed class Recording : IRelayStage
        {
            private readonly RecordingStageSource _source;
            private readonly RelayFlow _flow;
            private readonly string _name;

            public Recording(RecordingStageSource source, RelayFlow flow, string name)
            {
                _source = source;
                _flow = flow;
                _name = name;
            }

            public Task ForwardAsync(ArraySegment<byte> chunk, IRelaySink next, CancellationToken cancellationToken)
            {
                _source.Events.Enqueue($"{_flow.Direction} {_name} {chunk.Count}");
                if (_source.AbortWithReset is bool reset && _flow.Direction == RelayDirection.ClientToTarget)
                {
                    next.Abort(reset, "the test's stage");
                    return Task.CompletedTask;
                }

                return next.WriteAsync(chunk, cancellationToken);
            }

            public Task CompleteAsync(IRelaySink next, CancellationToken cancellationToken)
            {
                _source.Events.Enqueue($"{_flow.Direction} {_name} complete");
                return Task.CompletedTask;
            }
        }
    }
}
