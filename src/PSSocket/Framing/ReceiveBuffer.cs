using System;

namespace PSSocket.Framing
{
    /// <summary>
    /// The bytes a session has received but no call has consumed yet. Reads append at the end, framing takes
    /// from the front; nothing is ever dropped or reordered. While a read into the free space is pending,
    /// the buffer must not move, so compaction happens only in <see cref="PrepareWrite"/>, before a read starts.
    /// </summary>
    internal sealed class ReceiveBuffer
    {
        public const int MinimumReadSize = 16 * 1024;

        /// <summary>The largest byte array the runtime makes; the buffer never grows past it.</summary>
        public const int MaxCapacity = 0x7FFFFFC7;
        private const int InitialCapacity = 64 * 1024;

        private readonly int _initialCapacity;
        private byte[] _data = System.Array.Empty<byte>();
        private int _start;
        private int _end;

        /// <summary>
        /// The storage is allocated by the first <see cref="PrepareWrite"/>: a session that never receives (a greeting
        /// server's connection, a client that only sends) costs no buffer, which keeps a busy accept loop's garbage low.
        /// </summary>
        public ReceiveBuffer(int initialCapacity = InitialCapacity)
        {
            _initialCapacity = Math.Max(initialCapacity, MinimumReadSize);
        }

        public int Count => _end - _start;

        public byte[] Array => _data;

        public int Offset => _start;

        /// <summary>
        /// Index of <paramref name="pattern"/> counted from the first unconsumed byte, or -1. Only offsets that are a
        /// multiple of <paramref name="alignment"/> count, so a UTF-16 or UTF-32 delimiter never matches mid-character.
        /// </summary>
        public int IndexOf(byte[] pattern, int searchFrom, int alignment = 1)
        {
            int last = _end - pattern.Length;
            byte first = pattern[0];
            for (int i = _start + searchFrom; i <= last; i++)
            {
                i = System.Array.IndexOf(_data, first, i, last - i + 1);
                if (i < 0)
                {
                    return -1;
                }

                if ((i - _start) % alignment == 0 && Matches(pattern, i))
                {
                    return i - _start;
                }
            }

            return -1;
        }

        public bool EndsWith(byte[] pattern, int length)
        {
            return length >= pattern.Length && Matches(pattern, _start + length - pattern.Length);
        }

        /// <summary>Copies out the first <paramref name="count"/> bytes and consumes them.</summary>
        public byte[] Take(int count)
        {
            var result = new byte[count];
            Buffer.BlockCopy(_data, _start, result, 0, count);
            _start += count;
            return result;
        }

        public void Skip(int count)
        {
            _start += count;
        }

        /// <summary>
        /// Makes room for at least <paramref name="minimumFree"/> bytes and returns the free space. Growth doubles, up to
        /// <see cref="MaxCapacity"/>; the caller keeps Count + minimumFree within it.
        /// </summary>
        public ArraySegment<byte> PrepareWrite(int minimumFree = MinimumReadSize)
        {
            if ((long)Count + minimumFree > MaxCapacity)
            {
                throw new InvalidOperationException($"A receive buffer holds at most {MaxCapacity} bytes.");
            }

            if (_data.Length == 0)
            {
                _data = new byte[Math.Max(_initialCapacity, minimumFree)];
            }

            int count = Count;
            if (count == 0)
            {
                _start = _end = 0;
            }

            if (_data.Length - _end < minimumFree)
            {
                if (_data.Length - count >= minimumFree && _start > 0)
                {
                    Buffer.BlockCopy(_data, _start, _data, 0, count);
                }
                else
                {
                    var larger = new byte[Math.Min(MaxCapacity, Math.Max(_data.Length * 2L, count + minimumFree))];
                    Buffer.BlockCopy(_data, _start, larger, 0, count);
                    _data = larger;
                }

                _start = 0;
                _end = count;
            }

            return new ArraySegment<byte>(_data, _end, _data.Length - _end);
        }

        public void Commit(int count)
        {
            _end += count;
        }

        private bool Matches(byte[] pattern, int at)
        {
            for (int j = 0; j < pattern.Length; j++)
            {
                if (_data[at + j] != pattern[j])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
