using System.Text;

namespace PSSocket.Text
{
    /// <summary>
    /// How many leading bytes of a chunk form whole characters, so text read as it arrives never splits a
    /// multi-byte character between two results.
    /// </summary>
    internal static class TextBoundary
    {
        public static int CompleteLength(Encoding encoding, byte[] data, int offset, int count)
        {
            if (encoding is UTF8Encoding)
            {
                return CompleteUtf8Length(data, offset, count);
            }

            if (encoding is UnicodeEncoding)
            {
                int even = count & ~1;
                if (even >= 2)
                {
                    int last = offset + even - 2;
                    int unit = IsBigEndian(encoding) ? (data[last] << 8) | data[last + 1] : data[last] | (data[last + 1] << 8);
                    bool endsWithHighSurrogate = unit >= 0xD800 && unit <= 0xDBFF;
                    if (endsWithHighSurrogate)
                    {
                        even -= 2;
                    }
                }

                return even;
            }

            if (encoding is UTF32Encoding)
            {
                return count & ~3;
            }

            return count;
        }

        /// <summary>The size of one code unit: 2 for UTF-16, 4 for UTF-32, else 1 (variable-width or single-byte).</summary>
        public static int UnitSize(Encoding encoding) => encoding is UnicodeEncoding ? 2 : encoding is UTF32Encoding ? 4 : 1;

        private static bool IsBigEndian(Encoding encoding) => encoding.CodePage == 1201;

        private static int CompleteUtf8Length(byte[] data, int offset, int count)
        {
            // Look back at most three bytes for the lead byte of the last character.
            for (int back = 1; back <= 3 && back <= count; back++)
            {
                byte b = data[offset + count - back];
                if ((b & 0xC0) == 0x80)
                {
                    continue;
                }

                int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                return needed > back ? count - back : count;
            }

            return count;
        }
    }
}
