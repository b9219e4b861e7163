using System;
using System.Threading;

namespace PSSocket.Transports
{
    /// <summary>Byte counters and activity time, updated by whichever thread sends or receives.</summary>
    internal sealed class SessionCounters
    {
        private long _bytesSent;
        private long _bytesReceived;
        private long _lastActivityTicks;

        public long BytesSent => Interlocked.Read(ref _bytesSent);

        public long BytesReceived => Interlocked.Read(ref _bytesReceived);

        public DateTime? LastActivity
        {
            get
            {
                long ticks = Interlocked.Read(ref _lastActivityTicks);
                return ticks == 0 ? null : new DateTime(ticks, DateTimeKind.Utc).ToLocalTime();
            }
        }

        public void AddSent(int count)
        {
            Interlocked.Add(ref _bytesSent, count);
            Touch();
        }

        public void AddReceived(int count)
        {
            Interlocked.Add(ref _bytesReceived, count);
            Touch();
        }

        public void Touch() => Interlocked.Exchange(ref _lastActivityTicks, DateTime.UtcNow.Ticks);
    }
}
