using System;
using System.Globalization;
using PSSocket.Threading;

namespace PSSocket.Transfers
{
    /// <summary>
    /// Decides when a transfer is worth a progress report (after half a second, then four times a second) and
    /// describes it: bytes so far, rate, and what is left when the size is known.
    /// </summary>
    internal sealed class TransferProgress
    {
        private readonly ProgressSchedule _schedule = new ProgressSchedule();

        public TransferProgress(long? total)
        {
            Total = total;
        }

        public long? Total { get; }

        /// <summary>True once any report was due, so the caller knows to close the progress bar.</summary>
        public bool Reported => _schedule.Reported;

        public bool IsDue() => _schedule.IsDue();

        public double BytesPerSecond(long done)
        {
            double seconds = _schedule.ElapsedSeconds;
            return seconds <= 0 ? 0 : done / seconds;
        }

        public int PercentComplete(long done) =>
            Total is long total && total > 0 ? (int)Math.Min(100, done * 100 / total) : -1;

        public int SecondsRemaining(long done)
        {
            double rate = BytesPerSecond(done);
            return Total is long total && rate > 0 ? (int)Math.Ceiling((total - done) / rate) : -1;
        }

        public string Describe(long done)
        {
            string rate = Size(BytesPerSecond(done)) + "/s";
            return Total is long total ? $"{Size(done)} of {Size(total)} at {rate}" : $"{Size(done)} at {rate}";
        }

        public static string Size(double bytes)
        {
            string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
            int unit = 0;
            while (bytes >= 1024 && unit < units.Length - 1)
            {
                bytes /= 1024;
                unit++;
            }

            return bytes.ToString(unit == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
        }
    }
}
