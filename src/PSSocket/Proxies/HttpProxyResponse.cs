using System;
using System.Collections.Generic;
using System.Text;

namespace PSSocket.Proxies
{
    /// <summary>The head of an HTTP proxy's answer to CONNECT: its status line and header fields.</summary>
    internal sealed class HttpProxyResponse
    {
        private readonly List<KeyValuePair<string, string>> _fields;

        private HttpProxyResponse(string statusLine, int statusCode, List<KeyValuePair<string, string>> fields)
        {
            StatusLine = statusLine;
            StatusCode = statusCode;
            _fields = fields;
        }

        public string StatusLine { get; }

        public int StatusCode { get; }

        /// <summary>Parses a head that ends in CR LF CR LF; null when its first line is no HTTP/1.x status line.</summary>
        public static HttpProxyResponse? Parse(byte[] head)
        {
            // Field values are ISO-8859-1 at most (RFC 9110, section 5.5): one byte, one char.
            var text = new StringBuilder(head.Length);
            foreach (byte b in head)
            {
                text.Append((char)b);
            }

            string[] lines = text.ToString().Split(new[] { "\r\n" }, StringSplitOptions.None);
            string statusLine = lines[0];
            if (!statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal)
                || statusLine.Length < 12
                || statusLine[8] != ' '
                || !int.TryParse(statusLine.Substring(9, 3), out int code)
                || code < 100
                || statusLine.Length > 12 && statusLine[12] != ' ')
            {
                return null;
            }

            var fields = new List<KeyValuePair<string, string>>();
            for (int i = 1; i < lines.Length; i++)
            {
                int colon = lines[i].IndexOf(':');
                if (colon > 0)
                {
                    fields.Add(new KeyValuePair<string, string>(lines[i].Substring(0, colon).Trim(), lines[i].Substring(colon + 1).Trim()));
                }
            }

            return new HttpProxyResponse(statusLine, code, fields);
        }

        /// <summary>The values of every field called <paramref name="name"/>, joined by ", " (empty when it has none).</summary>
        public string Field(string name)
        {
            var values = new List<string>();
            foreach (KeyValuePair<string, string> field in _fields)
            {
                if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(field.Value);
                }
            }

            return string.Join(", ", values);
        }
    }
}
