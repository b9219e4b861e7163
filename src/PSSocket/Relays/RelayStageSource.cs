using System;

namespace PSSocket.Relays
{
    /// <summary>
    /// The stages of a relay with faults and, optionally, a trace: per flow, the faults first, then the trace, so the
    /// trace shows what the far side got (split pieces as separate writes, no dropped datagrams). Disposing it
    /// flushes and closes the trace file: the relay does so when it stops.
    /// </summary>
    internal sealed class RelayStageSource : IRelayStageSource, IDisposable
    {
        public RelayStageSource(RelayFaultSet faults, string? traceFile)
        {
            Faults = faults ?? throw new ArgumentNullException(nameof(faults));
            Trace = traceFile == null ? null : new RelayTraceWriter(traceFile);
        }

        public RelayFaultSet Faults { get; }

        public RelayTraceWriter? Trace { get; }

        public bool RefusesNewConnections => Faults.RefusesNewConnections;

        public IRelayStage[] StagesFor(RelayFlow flow)
        {
            var faults = new FaultStage(Faults, flow);
            return new IRelayStage[] { Trace == null ? (IRelayStage)faults : new TraceStage(faults, Trace, flow) };
        }

        public void Dispose() => Trace?.Dispose();
    }
}
