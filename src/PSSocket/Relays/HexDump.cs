using System;
using System.Globalization;
using System.Text;

namespace PSSocket.Relays
{
    /// <summary>
    /// ncat -x style lines: "[offset]   16 bytes in hex, two groups of 8   printable text", the offset counted from the
    /// first byte of the flow.
    /// </summary>
    internal static class HexDump
    {
        private const int PerLine = 16;

        public static void Append(StringBuilder text, byte[] bytes, long offset)
        {
            for (int line = 0; line < bytes.Length; line += PerLine)
            {
                text.Append('[').Append((offset + line).ToString("X4", CultureInfo.InvariantCulture)).Append("]   ");
                int count = Math.Min(PerLine, bytes.Length - line);
                for (int i = 0; i < PerLine; i++)
                {
                    text.Append(i < count ? bytes[line + i].ToString("X2", CultureInfo.InvariantCulture) + " " : "   ");
                    if (i == 7)
                    {
                        text.Append(' ');
                    }
                }

                text.Append("  ");
                for (int i = 0; i < count; i++)
                {
                    byte b = bytes[line + i];
                    text.Append(b >= 0x20 && b < 0x7F ? (char)b : '.');
                }

                text.Append('\n');
            }
        }
    }
}
