using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>
    /// Applies a <see cref="RelayFaultSet"/> to one flow, chunk by chunk: drop and reorder (datagrams), stall,
    /// latency and jitter, then the bytes handed on in pieces (split, bandwidth) until a reset or close cuts the
    /// connection. Every wait is a Task.Delay or an awaited signal: no thread is held.
    /// </summary>
    internal sealed class FaultStage : IRelayStage
    {
        private readonly RelayFaultSet _set;
        private readonly RelayFlow _flow;
        private readonly Random _random;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private RelayFaults _faults;
        private int _seen;
        private long _passed;
        private TimeSpan _bandwidthFreeAt;
        private byte[]? _heldDatagram;

        public FaultStage(RelayFaultSet set, RelayFlow flow)
        {
            _set = set;
            _flow = flow;
            _random = set.RandomFor(flow);
            _faults = set.Attach(flow.Direction, out _seen);
        }

        /// <summary>Bytes this flow handed on.</summary>
        public long Passed => _passed;

        /// <summary>Datagrams this flow dropped on purpose.</summary>
        public long Dropped { get; private set; }

        public async Task ForwardAsync(ArraySegment<byte> chunk, IRelaySink next, CancellationToken cancellationToken)
        {
            RelayFaults faults = Refresh();
            if (_flow.Datagrams)
            {
                if (faults.DropRate > 0 && _random.NextDouble() < faults.DropRate)
                {
                    Dropped++;
                    return;
                }

                if (_heldDatagram == null && faults.ReorderRate > 0 && _random.NextDouble() < faults.ReorderRate)
                {
                    _heldDatagram = Copy(chunk);
                    return;
                }
            }

            faults = await WhileStalledAsync(cancellationToken).ConfigureAwait(false);
            await DelayAsync(LatencyOf(faults), cancellationToken).ConfigureAwait(false);
            faults = Refresh();

            long cut = CutPoint(faults, out bool reset);
            ArraySegment<byte> handed = chunk;
            if (cut >= 0 && _passed + chunk.Count >= cut)
            {
                handed = new ArraySegment<byte>(chunk.Array!, chunk.Offset, (int)Math.Max(0, cut - _passed));
            }
            else
            {
                cut = -1;
            }

            await HandOnAsync(handed, faults, next, cancellationToken).ConfigureAwait(false);
            if (_heldDatagram != null && cut < 0)
            {
                byte[] late = _heldDatagram;
                _heldDatagram = null;
                await HandOnAsync(new ArraySegment<byte>(late), faults, next, cancellationToken).ConfigureAwait(false);
            }

            if (cut >= 0)
            {
                string how = reset ? "reset" : "closed";
                next.Abort(reset, $"fault: {how} after {cut} bytes {DirectionText(_flow.Direction)}");
            }
        }

        public async Task CompleteAsync(IRelaySink next, CancellationToken cancellationToken)
        {
            RelayFaults faults = await WhileStalledAsync(cancellationToken).ConfigureAwait(false);
            if (_heldDatagram != null)
            {
                byte[] late = _heldDatagram;
                _heldDatagram = null;
                await HandOnAsync(new ArraySegment<byte>(late), faults, next, cancellationToken).ConfigureAwait(false);
            }
        }

        internal static string DirectionText(RelayDirection direction) =>
            direction == RelayDirection.ClientToTarget ? "client->target" : "target->client";

        private RelayFaults Refresh() => _faults = _set.Refresh(_flow.Direction, _faults, ref _seen);

        /// <summary>Waits while the flow's faults stall it, looking again at each change of the set and when a timed stall ends.</summary>
        private async Task<RelayFaults> WhileStalledAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                Task change = _set.NextChange;
                RelayFaults faults = Refresh();
                DateTime now = DateTime.UtcNow;
                if (!faults.StallsAt(now))
                {
                    return faults;
                }

                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    TimeSpan left = faults.Stalled || !faults.StalledUntil.HasValue ? Timeout.InfiniteTimeSpan : faults.StalledUntil.Value - now;
                    Task timer = Task.Delay(left, wait.Token);
                    await Task.WhenAny(change, timer).ConfigureAwait(false);
                    wait.Cancel();
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        private TimeSpan LatencyOf(RelayFaults faults)
        {
            TimeSpan latency = faults.Latency;
            if (faults.Jitter > TimeSpan.Zero)
            {
                latency += TimeSpan.FromTicks((long)((_random.NextDouble() * 2 - 1) * faults.Jitter.Ticks));
            }

            return latency > TimeSpan.Zero ? latency : TimeSpan.Zero;
        }

        /// <summary>The byte count at which the faults cut this flow (the lower of reset and close); -1 for none.</summary>
        private static long CutPoint(RelayFaults faults, out bool reset)
        {
            reset = faults.ResetAfter >= 0 && (faults.CloseAfter < 0 || faults.ResetAfter <= faults.CloseAfter);
            return reset ? faults.ResetAfter : faults.CloseAfter;
        }

        /// <summary>Hands the bytes on: a datagram whole, a stream in pieces of the split size and of a tenth of a second's bandwidth.</summary>
        private async Task HandOnAsync(ArraySegment<byte> bytes, RelayFaults faults, IRelaySink next, CancellationToken cancellationToken)
        {
            int piece = bytes.Count;
            if (!_flow.Datagrams)
            {
                if (faults.SplitSize > 0)
                {
                    piece = Math.Min(piece, faults.SplitSize);
                }

                if (faults.BytesPerSecond > 0)
                {
                    piece = (int)Math.Min(piece, Math.Max(1, faults.BytesPerSecond / 10));
                }
            }

            for (int offset = 0; offset < bytes.Count; offset += piece)
            {
                int count = Math.Min(piece, bytes.Count - offset);
                await next.WriteAsync(new ArraySegment<byte>(bytes.Array!, bytes.Offset + offset, count), cancellationToken).ConfigureAwait(false);
                _passed += count;
                await ThrottleAsync(count, faults, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Bandwidth: each byte handed on reserves 1/rate seconds; the flow waits until its reservations are due.</summary>
        private Task ThrottleAsync(int count, RelayFaults faults, CancellationToken cancellationToken)
        {
            if (faults.BytesPerSecond <= 0)
            {
                return Task.CompletedTask;
            }

            TimeSpan now = _clock.Elapsed;
            TimeSpan start = _bandwidthFreeAt > now ? _bandwidthFreeAt : now;
            _bandwidthFreeAt = start + TimeSpan.FromTicks(TimeSpan.TicksPerSecond * count / faults.BytesPerSecond);
            return DelayAsync(_bandwidthFreeAt - now, cancellationToken);
        }

        private static Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
            delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;

        private static byte[] Copy(ArraySegment<byte> chunk)
        {
            var copy = new byte[chunk.Count];
            Buffer.BlockCopy(chunk.Array!, chunk.Offset, copy, 0, chunk.Count);
            return copy;
        }
    }
}
