using System;
using System.Collections.Generic;
using System.Globalization;

namespace PSSocket.Relays
{
    /// <summary>
    /// The faults of one direction of a relay at one moment: an immutable value; a change makes a new one
    /// (<see cref="RelayFaultSet"/> owns the changes).
    /// </summary>
    public sealed class RelayFaults
    {
        public static readonly RelayFaults None = new RelayFaults();

        private RelayFaults()
        {
        }

        /// <summary>Added before each chunk is handed on.</summary>
        public TimeSpan Latency { get; internal set; }

        /// <summary>A random amount in [-Jitter, +Jitter] added to <see cref="Latency"/> per chunk (never below zero in all).</summary>
        public TimeSpan Jitter { get; internal set; }

        /// <summary>Bytes per second each connection may pass this way; 0 without limit.</summary>
        public long BytesPerSecond { get; internal set; }

        /// <summary>Each write is handed on in pieces of at most this many bytes; 0 leaves writes whole. Not for datagrams.</summary>
        public int SplitSize { get; internal set; }

        /// <summary>Everything is held (and the sender held back) until the stall is lifted.</summary>
        public bool Stalled { get; internal set; }

        /// <summary>Everything is held until this time (UTC); null without a timed stall.</summary>
        public DateTime? StalledUntil { get; internal set; }

        /// <summary>The connection is reset (SO_LINGER 0) once this many bytes passed this way; -1 never.</summary>
        public long ResetAfter { get; internal set; } = -1;

        /// <summary>The connection is closed in order once this many bytes passed this way; -1 never.</summary>
        public long CloseAfter { get; internal set; } = -1;

        /// <summary>UDP: the share of datagrams dropped, 0 to 1.</summary>
        public double DropRate { get; internal set; }

        /// <summary>UDP: the share of datagrams held back and sent after the next one, 0 to 1.</summary>
        public double ReorderRate { get; internal set; }

        /// <summary>True when no fault is set.</summary>
        public bool IsNone => ToString().Length == 0;

        internal bool StallsAt(DateTime utcNow) => Stalled || (StalledUntil.HasValue && StalledUntil.Value > utcNow);

        internal RelayFaults With(Action<RelayFaults> change)
        {
            var copy = (RelayFaults)MemberwiseClone();
            change(copy);
            return copy;
        }

        /// <summary>The faults set, as "Latency=100ms, SplitSize=1"; empty when none.</summary>
        public override string ToString()
        {
            var parts = new List<string>();
            CultureInfo c = CultureInfo.InvariantCulture;
            if (Latency > TimeSpan.Zero) parts.Add($"Latency={Latency.TotalMilliseconds.ToString(c)}ms");
            if (Jitter > TimeSpan.Zero) parts.Add($"Jitter={Jitter.TotalMilliseconds.ToString(c)}ms");
            if (BytesPerSecond > 0) parts.Add($"BytesPerSecond={BytesPerSecond.ToString(c)}");
            if (SplitSize > 0) parts.Add($"SplitSize={SplitSize.ToString(c)}");
            if (Stalled) parts.Add("Stalled");
            if (StalledUntil.HasValue) parts.Add($"StalledUntil={StalledUntil.Value.ToString("o", c)}");
            if (ResetAfter >= 0) parts.Add($"ResetAfter={ResetAfter.ToString(c)}");
            if (CloseAfter >= 0) parts.Add($"CloseAfter={CloseAfter.ToString(c)}");
            if (DropRate > 0) parts.Add($"DropRate={DropRate.ToString(c)}");
            if (ReorderRate > 0) parts.Add($"ReorderRate={ReorderRate.ToString(c)}");
            return string.Join(", ", parts);
        }
    }
}
