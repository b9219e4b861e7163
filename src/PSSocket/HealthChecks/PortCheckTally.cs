using System.Threading;

namespace PSSocket.HealthChecks
{
    /// <summary>
    /// Counts checks as they start and finish, by outcome, from whichever thread finishes them; the pipeline thread
    /// reads the counts for its progress bar while it waits.
    /// </summary>
    internal sealed class PortCheckTally
    {
        private int _started;
        private int _finished;
        private int _open;
        private int _refused;
        private int _timedOut;

        public int Started => Volatile.Read(ref _started);

        public int Finished => Volatile.Read(ref _finished);

        public int Open => Volatile.Read(ref _open);

        public int Refused => Volatile.Read(ref _refused);

        public int TimedOut => Volatile.Read(ref _timedOut);

        public void Start() => Interlocked.Increment(ref _started);

        public void Finish(PortCheckResult result)
        {
            switch (result.Status)
            {
                case PortStatus.Open:
                    Interlocked.Increment(ref _open);
                    break;
                case PortStatus.Refused:
                    Interlocked.Increment(ref _refused);
                    break;
                case PortStatus.TimedOut:
                    Interlocked.Increment(ref _timedOut);
                    break;
            }

            Interlocked.Increment(ref _finished);
        }

        /// <summary>"12 of 40 checked: 3 open, 8 refused, 1 timed out, 0 other" (the finished count is read last).</summary>
        public string Describe()
        {
            int open = Open, refused = Refused, timedOut = TimedOut, finished = Finished;
            int other = finished - open - refused - timedOut;
            return $"{finished} of {Started} checked: {open} open, {refused} refused, {timedOut} timed out, {other} other";
        }
    }
}
