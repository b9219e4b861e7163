namespace PSSocket.Sessions
{
    /// <summary>What Wait-Socket waits for on each session.</summary>
    public enum ReadinessEvent
    {
        /// <summary>A receive would not wait: bytes buffered or arrived (decrypted ones for TLS, a datagram), end of stream, a reset, or a connection waiting on a listener.</summary>
        Read,

        /// <summary>The peer closed its send side (or reset the connection); bytes received before stay buffered.</summary>
        EndOfStream,

        /// <summary>A connect in progress (Connect-Socket -NoWait) finished, connected or failed.</summary>
        Connect,

        /// <summary>A send would not wait: the socket's send buffer has room.</summary>
        Write,
    }
}
