using System;

namespace PSSocket.Errors
{
    /// <summary>A send that stopped part way: says how many of the bytes went out.</summary>
    public sealed class SendIncompleteException : SocketSessionException
    {
        public SendIncompleteException(long bytesSent, long bytesRequested, string message, object? target, Exception? inner)
            : base(ErrorIds.SendIncomplete, message, target, inner)
        {
            BytesSent = bytesSent;
            BytesRequested = bytesRequested;
        }

        public long BytesSent { get; }

        public long BytesRequested { get; }
    }
}
