namespace PSSocket.Sessions
{
    /// <summary>What <see cref="ManySessionReceiver.Next"/> found.</summary>
    internal enum MergedOutcome
    {
        /// <summary>A whole record from one session.</summary>
        Record,

        /// <summary>A session reached its end of stream with nothing left to return; it is done.</summary>
        Ended,

        /// <summary>A session's receive failed (reset, a record too long, a short last -Count record); it is done.</summary>
        Failed,

        /// <summary>No session had a record within the idle timeout.</summary>
        IdleTimedOut,

        /// <summary>Every session has ended or failed.</summary>
        AllEnded,
    }
}
