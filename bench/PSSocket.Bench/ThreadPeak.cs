using System;
using System.Threading;

namespace PSSocket.Bench
{
    /// <summary>Samples the process's thread count every 50 ms on a timer (no thread of its own) and keeps the highest.</summary>
    internal sealed class ThreadPeak : IDisposable
    {
        private readonly Timer _timer;
        private int _peak;

        public ThreadPeak()
        {
            _peak = ProcessFacts.Threads();
            AtStart = _peak;
            _timer = new Timer(_ => Sample(), null, 0, 50);
        }

        /// <summary>The process's threads when sampling began (the host's, the thread pool's, earlier parts').</summary>
        public int AtStart { get; }

        public int Peak
        {
            get
            {
                Sample();
                return Volatile.Read(ref _peak);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            int now = ProcessFacts.Threads();
            int seen;
            while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }
    }
}
