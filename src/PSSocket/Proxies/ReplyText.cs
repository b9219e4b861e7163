using System.Text;

namespace PSSocket.Proxies
{
    /// <summary>A proxy's reply bytes as a message can show them: printable ASCII as it is, anything else as \xNN, cut short.</summary>
    internal static class ReplyText
    {
        private const int Limit = 80;

        public static string Excerpt(byte[] bytes, int offset, int count)
        {
            var text = new StringBuilder();
            for (int i = offset; i < offset + count && text.Length < Limit; i++)
            {
                byte b = bytes[i];
                switch (b)
                {
                    case (byte)'\r':
                        text.Append("\\r");
                        break;
                    case (byte)'\n':
                        text.Append("\\n");
                        break;
                    default:
                        text.Append(b >= 0x20 && b < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
                        break;
                }
            }

            return text.Length >= Limit ? text.ToString(0, Limit) + "..." : text.ToString();
        }

        public static string Excerpt(byte[] bytes) => Excerpt(bytes, 0, bytes.Length);
    }
}
