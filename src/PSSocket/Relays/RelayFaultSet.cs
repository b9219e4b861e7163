using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>
    /// The faults a relay applies, per direction, changeable while it runs from any thread. A change made for
    /// <see cref="RelayFaultScope.NewConnections"/> reaches flows that start later; one made for
    /// <see cref="RelayFaultScope.AllConnections"/> also reaches open flows at their next chunk. With a
    /// <see cref="Seed"/>, jitter, drops and reordering repeat for the same connection ids.
    /// </summary>
    public sealed class RelayFaultSet
    {
        /// <summary>Guards the faults for new flows, the faults every flow sees and the change signal, so a flow reads one consistent set.</summary>
        private readonly object _gate = new object();
        private readonly RelayFaults[] _forNewFlows = { RelayFaults.None, RelayFaults.None };

        /// <summary>The changes made for all flows, in order; an open flow applies those after the last one it saw.</summary>
        private readonly List<KeyValuePair<RelayDirection?, Func<RelayFaults, RelayFaults>>> _changesForAll = new List<KeyValuePair<RelayDirection?, Func<RelayFaults, RelayFaults>>>();
        private TaskCompletionSource<bool> _changed = NewSignal();
        private volatile bool _refuses;

        internal RelayFaultSet(int? seed = null)
        {
            Seed = seed;
        }

        /// <summary>Seeds each flow's random numbers (with its connection id and direction); null: a different run each time.</summary>
        public int? Seed { get; }

        /// <summary>New clients are closed at once (and counted as refused); open connections go on.</summary>
        public bool RefusesNewConnections => _refuses;

        /// <summary>The faults a new client-to-target flow starts with.</summary>
        public RelayFaults ClientToTarget
        {
            get { lock (_gate) return _forNewFlows[(int)RelayDirection.ClientToTarget]; }
        }

        /// <summary>The faults a new target-to-client flow starts with.</summary>
        public RelayFaults TargetToClient
        {
            get { lock (_gate) return _forNewFlows[(int)RelayDirection.TargetToClient]; }
        }

        /// <summary>Changes the faults of one direction (null: both) for the flows <paramref name="scope"/> names.</summary>
        internal void Change(RelayDirection? direction, RelayFaultScope scope, Action<RelayFaults> change)
        {
            if (change == null)
            {
                throw new ArgumentNullException(nameof(change));
            }

            Replace(direction, scope, faults => faults.With(change));
        }

        /// <summary>Removes every fault (and the refusal) for the flows <paramref name="scope"/> names.</summary>
        internal void Clear(RelayFaultScope scope)
        {
            _refuses = false;
            Replace(null, scope, _ => RelayFaults.None);
        }

        private void Replace(RelayDirection? direction, RelayFaultScope scope, Func<RelayFaults, RelayFaults> change)
        {
            TaskCompletionSource<bool> previous;
            lock (_gate)
            {
                foreach (RelayDirection each in Directions(direction))
                {
                    _forNewFlows[(int)each] = change(_forNewFlows[(int)each]);
                }

                if (scope == RelayFaultScope.AllConnections)
                {
                    _changesForAll.Add(new KeyValuePair<RelayDirection?, Func<RelayFaults, RelayFaults>>(direction, change));
                }

                previous = _changed;
                _changed = NewSignal();
            }

            previous.TrySetResult(true);
        }

        /// <summary>Refuses new clients, or serves them again.</summary>
        internal void SetRefusesNewConnections(bool refuse) => _refuses = refuse;

        public override string ToString()
        {
            RelayFaults up = ClientToTarget, down = TargetToClient;
            var parts = new List<string>();
            if (RefusesNewConnections) parts.Add("RefusesNewConnections");
            if (!up.IsNone) parts.Add($"ClientToTarget: {up}");
            if (!down.IsNone) parts.Add($"TargetToClient: {down}");
            return parts.Count == 0 ? "no faults" : string.Join("; ", parts);
        }

        /// <summary>Completes at the next change: a stalled flow waits on it to see whether its stall was lifted.</summary>
        internal Task NextChange
        {
            get { lock (_gate) return _changed.Task; }
        }

        /// <summary>The faults a new flow starts with, and the number of changes for all it has seen.</summary>
        internal RelayFaults Attach(RelayDirection direction, out int seen)
        {
            lock (_gate)
            {
                seen = _changesForAll.Count;
                return _forNewFlows[(int)direction];
            }
        }

        /// <summary>Applies to an open flow's faults the changes for all made since it last looked.</summary>
        internal RelayFaults Refresh(RelayDirection direction, RelayFaults current, ref int seen)
        {
            lock (_gate)
            {
                for (; seen < _changesForAll.Count; seen++)
                {
                    KeyValuePair<RelayDirection?, Func<RelayFaults, RelayFaults>> change = _changesForAll[seen];
                    if (change.Key == null || change.Key == direction)
                    {
                        current = change.Value(current);
                    }
                }

                return current;
            }
        }

        /// <summary>The random numbers of one flow: seeded from <see cref="Seed"/> when there is one.</summary>
        internal Random RandomFor(RelayFlow flow) =>
            Seed.HasValue ? new Random(unchecked((Seed.Value * 397) ^ (flow.ConnectionId * 2) ^ (int)flow.Direction)) : new Random(Guid.NewGuid().GetHashCode());

        private static IEnumerable<RelayDirection> Directions(RelayDirection? direction) =>
            direction.HasValue ? new[] { direction.Value } : new[] { RelayDirection.ClientToTarget, RelayDirection.TargetToClient };

        internal static TaskCompletionSource<bool> NewSignal() => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
