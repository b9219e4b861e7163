namespace PSSocket.Sessions
{
    /// <summary>Where a session is in its life.</summary>
    public enum SocketState
    {
        Created,
        Bound,
        Listening,
        /// <summary>A connect started by Connect-Socket -NoWait goes on in the background: Wait-Socket -For Connect waits for it. Send and receive refuse it (ConnectInProgress).</summary>
        Connecting,
        Connected,
        /// <summary>The send side is shut down (half-closed); the session can still receive.</summary>
        SendShutdown,
        /// <summary>The peer reset the connection: nothing more can be sent; bytes received before the reset stay readable.</summary>
        Reset,
        Closed,
    }
}
