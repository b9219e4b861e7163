namespace PSSocket.Relays
{
    /// <summary>A stage that wants to know when a stage before it ends the connection (the trace notes it).</summary>
    internal interface IRelayAbortObserver
    {
        void Aborting(bool reset, string reason);
    }
}
