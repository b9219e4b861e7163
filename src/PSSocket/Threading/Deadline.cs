using System.Diagnostics;
using System.Threading;

namespace PSSocket.Threading
{
    /// <summary>One overall time limit shared by the steps of an operation (resolve, then each connect attempt).</summary>
    internal readonly struct Deadline
    {
        private readonly long _startTicks;

        private Deadline(int timeoutMilliseconds)
        {
            TimeoutMilliseconds = timeoutMilliseconds;
            _startTicks = Stopwatch.GetTimestamp();
        }

        public int TimeoutMilliseconds { get; }

        public bool IsInfinite => TimeoutMilliseconds < 0;

        public static Deadline After(int timeoutMilliseconds) => new Deadline(timeoutMilliseconds);

        public int RemainingMilliseconds
        {
            get
            {
                if (IsInfinite)
                {
                    return Timeout.Infinite;
                }

                long elapsedMs = (Stopwatch.GetTimestamp() - _startTicks) * 1000 / Stopwatch.Frequency;
                long remaining = TimeoutMilliseconds - elapsedMs;
                return remaining <= 0 ? 0 : (int)remaining;
            }
        }

        public bool HasExpired => !IsInfinite && RemainingMilliseconds == 0;
    }
}
