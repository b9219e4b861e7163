using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>One side of a relayed connection (the accepted client, or the target the relay connected to).</summary>
    internal interface IRelayEnd
    {
        /// <summary>Receives what has arrived, up to <paramref name="count"/> bytes; 0 at the end of the stream.</summary>
        Task<int> ReadAsync(byte[] buffer, int offset, int count);

        /// <summary>Sends every byte of buffer[offset..offset+count).</summary>
        Task WriteAsync(byte[] buffer, int offset, int count);

        /// <summary>Shuts down the send side (TLS's close_notify first), so the peer sees the end of the stream and can answer.</summary>
        Task ShutdownSendAsync();

        /// <summary>True once a receive or send on this side failed because the peer reset the connection.</summary>
        bool WasReset { get; }

        /// <summary>Closes this side: with <paramref name="reset"/> by SO_LINGER 0 (the peer gets a reset), else in order. Again does nothing.</summary>
        void Close(bool reset);
    }
}
