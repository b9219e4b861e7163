namespace PSSocket.Sessions
{
    /// <summary>
    /// DataArrived: bytes (or a datagram) are buffered on the session and ready for Receive-SocketData. The event
    /// consumes nothing; the counts are a snapshot taken when it was raised.
    /// </summary>
    public sealed class SocketDataEventArgs : SocketSessionEventArgs
    {
        internal SocketDataEventArgs(SocketSession session)
            : base(session)
        {
            BytesBuffered = session.BytesBuffered;
            DatagramsBuffered = session.DatagramsBuffered;
        }

        /// <summary>Bytes buffered on the session, not yet returned by a receive.</summary>
        public int BytesBuffered { get; }

        /// <summary>Datagrams buffered (datagram sessions; 0 on a stream session).</summary>
        public int DatagramsBuffered { get; }
    }
}
