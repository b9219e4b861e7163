namespace PSSocket.Binding
{
    /// <summary>The framing Receive-SocketData was asked for.</summary>
    internal enum ReceiveMode
    {
        /// <summary>No framing: what arrives first (one datagram on a datagram session).</summary>
        Available,
        Count,
        Line,
        Delimiter,
        ToEnd,

        /// <summary>More than one framing was given.</summary>
        Conflicting,
    }
}
