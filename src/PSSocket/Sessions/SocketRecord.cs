using System;

namespace PSSocket.Sessions
{
    /// <summary>
    /// One record Receive-SocketData -Stream returned while receiving from several sessions at once: the data (text,
    /// or byte[] with -AsByteArray), its size, when it was returned, and the session it came from.
    /// </summary>
    public sealed class SocketRecord
    {
        internal SocketRecord(SocketSession session, object data, int length, DateTime receivedAt)
        {
            Session = session;
            Data = data;
            Length = length;
            ReceivedAt = receivedAt;
        }

        /// <summary>The record: a string decoded with the session's (or the given) encoding, or a byte[].</summary>
        public object Data { get; }

        /// <summary>The record's size in bytes.</summary>
        public int Length { get; }

        public DateTime ReceivedAt { get; }

        public SocketSession Session { get; }

        public int SessionId => Session.Id;

        public override string ToString() => Data as string ?? $"{Length} bytes from session {SessionId}";
    }
}
