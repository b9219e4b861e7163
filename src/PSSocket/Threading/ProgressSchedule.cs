using System.Diagnostics;

namespace PSSocket.Threading
{
    /// <summary>
    /// When a long operation is worth a progress report: after half a second, then four times a second, so a
    /// quick one shows no bar and a long one does not flood the host.
    /// </summary>
    internal sealed class ProgressSchedule
    {
        private const long FirstReportAfterMs = 500;
        private const long ReportEveryMs = 250;

        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private long _nextReportMs = FirstReportAfterMs;

        /// <summary>How long the operation has run.</summary>
        public double ElapsedSeconds => _watch.Elapsed.TotalSeconds;

        /// <summary>True once any report was due, so the caller knows to close the progress bar.</summary>
        public bool Reported { get; private set; }

        public bool IsDue()
        {
            long now = _watch.ElapsedMilliseconds;
            if (now < _nextReportMs)
            {
                return false;
            }

            _nextReportMs = now + ReportEveryMs;
            Reported = true;
            return true;
        }
    }
}
