namespace PSSocket
{
    /// <summary>Where a background server is in its life.</summary>
    public enum ServerState
    {
        Running,

        /// <summary>The listener is closed; connections are being closed and handlers stopped.</summary>
        Stopping,

        /// <summary>Everything has ended: the listener was closed or the job stopped.</summary>
        Stopped,

        /// <summary>The server ended because of an error, reported in the job's Error stream.</summary>
        Failed,
    }
}
