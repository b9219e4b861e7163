using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Relays;

namespace PSSocket.Tests.Relays
{
    /// <summary>A relay sink in memory: keeps each write as it came and how the connection was ended.</summary>
    internal sealed class MemorySink : IRelaySink
    {
        private readonly object _gate = new object();
        private readonly List<byte[]> _writes = new List<byte[]>();

        public List<byte[]> Writes
        {
            get { lock (_gate) return _writes.ToList(); }
        }

        public byte[] Bytes => Writes.SelectMany(w => w).ToArray();

        public bool? AbortedWithReset { get; private set; }

        public string? AbortReason { get; private set; }

        public Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _writes.Add(chunk.ToArray());
            }

            return Task.CompletedTask;
        }

        public void Abort(bool reset, string reason)
        {
            AbortedWithReset = reset;
            AbortReason = reason;
        }
    }
}
