namespace PSSocket.Relays
{
    /// <summary>Which relayed connections a change of a relay's faults reaches.</summary>
    public enum RelayFaultScope
    {
        /// <summary>Only connections (and UDP associations) that start after the change.</summary>
        NewConnections,

        /// <summary>New connections and those already open, from the next chunk each of them relays.</summary>
        AllConnections,
    }
}
