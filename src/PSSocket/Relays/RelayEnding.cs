namespace PSSocket.Relays
{
    /// <summary>How a relayed connection ended, as its summary reports it.</summary>
    public enum RelayEnding
    {
        /// <summary>Both sides closed in order (each end of stream carried across).</summary>
        Closed,

        /// <summary>The client reset the connection; the target's side was closed.</summary>
        ClientReset,

        /// <summary>The target reset the connection; the client's side was closed.</summary>
        TargetReset,

        /// <summary>The target could not be reached (refused, timed out, TLS failed); the client was closed.</summary>
        TargetUnreachable,

        /// <summary>A relay stage (a fault) ended the connection on purpose, by a reset or a close.</summary>
        Aborted,

        /// <summary>A receive or send failed for another reason (see the summary's Reason).</summary>
        Failed,

        /// <summary>The relay stopped (Stop-Job, Close-Socket on the listener) while the connection was open.</summary>
        Stopped,

        /// <summary>UDP relay: the association carried no datagram either way for the idle timeout (-ReceiveTimeout).</summary>
        Idle,
    }
}
