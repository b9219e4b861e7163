using System;

namespace PSSocket.Relays
{
    /// <summary>One entry of a relay trace: bytes that passed one way, or a note (end of stream, a cut, dropped trace data).</summary>
    internal sealed class TraceRecord
    {
        public TraceRecord(DateTime time, RelayFlow flow, long offset, byte[]? bytes, string? note)
        {
            Time = time;
            Flow = flow;
            Offset = offset;
            Bytes = bytes;
            Note = note;
        }

        public DateTime Time { get; }

        public RelayFlow Flow { get; }

        public long Offset { get; }

        public byte[]? Bytes { get; }

        public string? Note { get; }

        public int Size => Bytes?.Length ?? 0;
    }
}
