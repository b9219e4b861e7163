using System;
using System.Threading.Tasks;
using PSSocket.Framing;
using PSSocket.Tls;

namespace PSSocket.Transports
{
    /// <summary>
    /// The plaintext source of a session that may turn to TLS (STARTTLS). It remembers the last read it started,
    /// so the upgrade can tell bytes that arrived before it (plaintext, still to be read) from a read still waiting
    /// (whose bytes will be the peer's first TLS bytes, and go to the TLS stream instead).
    /// </summary>
    internal sealed class TrackedReceiveSource : IReceiveSource
    {
        private readonly IReceiveSource _inner;
        private readonly SessionCounters _counters;
        private Task<int>? _lastRead;
        private ArraySegment<byte> _lastBuffer;
        private long _receivedBeforeLastRead;

        public TrackedReceiveSource(IReceiveSource inner, SessionCounters counters)
        {
            _inner = inner;
            _counters = counters;
        }

        public int TryReceiveNow(ArraySegment<byte> buffer)
        {
            _lastRead = null;
            return _inner.TryReceiveNow(buffer);
        }

        public Task<int> ReceiveAsync(ArraySegment<byte> buffer)
        {
            _receivedBeforeLastRead = _counters.BytesReceived;
            _lastBuffer = buffer;
            _lastRead = _inner.ReceiveAsync(buffer);
            return _lastRead;
        }

        public string Describe() => _inner.Describe();

        /// <summary>
        /// Looks at the last read once, for the upgrade. A read that completed and that the receiver has not taken
        /// into its buffer yet (it would on its next call) brought bytes that arrived before the upgrade: plaintext,
        /// returned in <paramref name="untaken"/>, and the source is left as it was. The receiver counts what it
        /// takes, so a read is taken when the received count has grown by its size since the read started.
        /// A read still waiting for data is handed over (the TLS stream reads its bytes first) and forgotten here.
        /// </summary>
        public PendingRead? TakeWaitingRead(out int untaken)
        {
            untaken = 0;
            Task<int>? read = _lastRead;
            if (read == null)
            {
                return null;
            }

            if (read.IsCompleted)
            {
                if (read.Status == TaskStatus.RanToCompletion && read.Result > 0 && _counters.BytesReceived < _receivedBeforeLastRead + read.Result)
                {
                    untaken = read.Result;
                }

                return null;
            }

            _lastRead = null;
            return new PendingRead(read, _lastBuffer);
        }
    }
}
