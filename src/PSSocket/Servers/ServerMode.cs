namespace PSSocket.Servers
{
    /// <summary>What a background server does with each connection it accepts.</summary>
    public enum ServerMode
    {
        /// <summary>Sends back every byte the client sends, until the client closes.</summary>
        Echo,

        /// <summary>Sends a fixed text or bytes on accept, then closes (or keeps the connection open).</summary>
        Greeting,

        /// <summary>A chat broker: relays each client's lines to every other connected client.</summary>
        Broadcast,

        /// <summary>Runs a script block once per connection, in a runspace pool.</summary>
        ScriptBlock,
    }

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
