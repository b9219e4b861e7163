namespace PSSocket.Framing
{
    /// <summary>What one <see cref="SessionReceiver.ReadAhead"/> did.</summary>
    internal enum ReadAheadResult
    {
        /// <summary>Bytes arrived and are buffered.</summary>
        Arrived,

        /// <summary>Nothing has arrived yet; a read waits for data (<see cref="SessionReceiver.PendingRead"/>).</summary>
        Waiting,

        /// <summary>The peer closed its send side: nothing more will arrive.</summary>
        EndOfStream,

        /// <summary>A receive call has the turn and reads for itself.</summary>
        Busy,

        /// <summary>The buffer holds as much as reading ahead may take; a receive must consume some first.</summary>
        Full,
    }
}
