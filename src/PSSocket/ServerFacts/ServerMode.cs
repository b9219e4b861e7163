namespace PSSocket
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

        /// <summary>Forwards each connection to a target end point and copies bytes both ways (-ForwardTo).</summary>
        Relay,
    }
}
