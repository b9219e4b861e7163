namespace PSSocket.Relays
{
    /// <summary>How the fault cmdlets name the directions a fault applies to: one of the two, or both.</summary>
    public enum FaultDirection
    {
        Both,
        ClientToTarget,
        TargetToClient,
    }
}
