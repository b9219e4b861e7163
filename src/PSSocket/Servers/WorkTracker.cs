using System.Threading;

namespace PSSocket.Servers
{
    /// <summary>Counts the pieces of work a server has running (threads, queued items, handlers) so stopping can wait for them.</summary>
    internal sealed class WorkTracker
    {
        /// <summary>Guards the count and the idle event together, so the event is set exactly when the count reaches 0.</summary>
        private readonly object _gate = new object();
        private readonly ManualResetEventSlim _idle = new ManualResetEventSlim(true);
        private int _count;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _count;
                }
            }
        }

        public void Begin()
        {
            lock (_gate)
            {
                if (_count++ == 0)
                {
                    _idle.Reset();
                }
            }
        }

        public void End()
        {
            lock (_gate)
            {
                if (--_count == 0)
                {
                    _idle.Set();
                }
            }
        }

        /// <summary>Waits until no work is running; false when some is still running after <paramref name="timeout"/> ms.</summary>
        public bool WaitIdle(int timeout) => _idle.Wait(timeout);
    }
}
