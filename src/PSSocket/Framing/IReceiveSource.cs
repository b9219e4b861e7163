using System;
using System.Threading.Tasks;

namespace PSSocket.Framing
{
    /// <summary>Where a session's bytes come from: a socket today, a TLS stream over it tomorrow.</summary>
    internal interface IReceiveSource
    {
        /// <summary>Reads without blocking; -1 when nothing is ready, 0 at end of stream.</summary>
        int TryReceiveNow(ArraySegment<byte> buffer);

        /// <summary>Starts a read that completes with the count read, 0 at end of stream.</summary>
        Task<int> ReceiveAsync(ArraySegment<byte> buffer);

        /// <summary>The peer, for messages.</summary>
        string Describe();
    }
}
