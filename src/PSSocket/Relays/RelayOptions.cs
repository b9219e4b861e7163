namespace PSSocket.Relays
{
    /// <summary>What a relay server forwards to, and what it does with the bytes on the way.</summary>
    internal sealed class RelayOptions
    {
        public RelayOptions(RelayTarget target)
        {
            Target = target;
        }

        public RelayTarget Target { get; }

        /// <summary>The stages of each flow (faults, trace) and the refusal of new connections; null: a plain copy.</summary>
        public IRelayStageSource? Stages { get; set; }

        /// <summary>Bytes read at most per chunk, in each direction; one buffer of this size per direction.</summary>
        public int BufferSize { get; set; } = 64 * 1024;

        /// <summary>Write a <see cref="RelayConnectionSummary"/> to the output when each connection ends.</summary>
        public bool Summaries { get; set; } = true;
    }
}
