using System;
using System.Threading.Tasks;

namespace PSSocket.Tls
{
    /// <summary>A socket read that was pending when a plaintext session turned to TLS: its bytes are the first of the TLS stream.</summary>
    internal sealed class PendingRead
    {
        public PendingRead(Task<int> read, ArraySegment<byte> buffer)
        {
            Read = read;
            Buffer = buffer;
        }

        public Task<int> Read { get; }

        public ArraySegment<byte> Buffer { get; }
    }
}
