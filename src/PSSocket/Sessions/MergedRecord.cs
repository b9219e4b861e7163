namespace PSSocket.Sessions
{
    /// <summary>One step of a receive over many sessions: an outcome, and the session, record or error it concerns.</summary>
    internal sealed class MergedRecord
    {
        public MergedRecord(MergedOutcome outcome, SocketSession? session, byte[]? record, PSSocket.Errors.SocketSessionException? error)
        {
            Outcome = outcome;
            Session = session;
            Record = record;
            Error = error;
        }

        public MergedOutcome Outcome { get; }

        public SocketSession? Session { get; }

        public byte[]? Record { get; }

        public PSSocket.Errors.SocketSessionException? Error { get; }
    }
}
