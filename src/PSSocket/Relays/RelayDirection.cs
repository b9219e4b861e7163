namespace PSSocket.Relays
{
    /// <summary>Which way bytes go through a relay.</summary>
    public enum RelayDirection
    {
        /// <summary>From the client that connected to the relay towards the target.</summary>
        ClientToTarget,

        /// <summary>From the target back to the client.</summary>
        TargetToClient,
    }
}
