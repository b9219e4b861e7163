namespace PSSocket.Relays
{
    /// <summary>Makes the stages of each new flow (faults, trace) and says whether new connections are refused.</summary>
    internal interface IRelayStageSource
    {
        /// <summary>The stages for <paramref name="flow"/>, in order; empty for a plain relay. Called once per flow.</summary>
        IRelayStage[] StagesFor(RelayFlow flow);

        /// <summary>When true, the relay refuses each new client (closes it at once) and counts it as refused.</summary>
        bool RefusesNewConnections { get; }
    }
}
