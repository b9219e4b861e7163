using System;
using System.Collections.Generic;
using System.Text;

namespace PSSocket.Tls
{

    /// <summary>
    /// Splits PEM text (RFC 7468) into its blocks; text outside the blocks (openssl's "Bag Attributes", comments)
    /// is ignored, as openssl ignores it. netstandard2.0 has no PEM reader, and this part needs no cryptography.
    /// </summary>
    internal static class PemReader
    {
        private const string Begin = "-----BEGIN ";
        private const string End = "-----END ";
        private const string Dashes = "-----";

        /// <summary>True when the file's bytes are PEM text rather than DER or PKCS#12.</summary>
        public static bool LooksLikePem(byte[] content)
        {
            string start = Encoding.ASCII.GetString(content, 0, Math.Min(content.Length, 4096));
            return start.IndexOf(Begin, StringComparison.Ordinal) >= 0;
        }

        /// <summary>The blocks in file order; FormatException for a block without its END line or with bad base64.</summary>
        public static List<PemBlock> Read(string text)
        {
            var blocks = new List<PemBlock>();
            int position = 0;
            while (true)
            {
                int begin = text.IndexOf(Begin, position, StringComparison.Ordinal);
                if (begin < 0)
                {
                    return blocks;
                }

                int labelStart = begin + Begin.Length;
                int labelEnd = text.IndexOf(Dashes, labelStart, StringComparison.Ordinal);
                if (labelEnd < 0)
                {
                    throw new FormatException("A BEGIN line has no closing dashes.");
                }

                string label = text.Substring(labelStart, labelEnd - labelStart);
                string endLine = End + label + Dashes;
                int bodyStart = labelEnd + Dashes.Length;
                int end = text.IndexOf(endLine, bodyStart, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException($"The '{label}' block has no '{endLine}' line.");
                }

                string body = text.Substring(bodyStart, end - bodyStart);
                bool hasHeaders = body.IndexOf(':') >= 0;
                byte[] data = hasHeaders ? new byte[0] : Decode(body, label);
                position = end + endLine.Length;
                blocks.Add(new PemBlock(label, text.Substring(begin, position - begin), data, hasHeaders));
            }
        }

        private static byte[] Decode(string body, string label)
        {
            var base64 = new StringBuilder(body.Length);
            foreach (char c in body)
            {
                if (!char.IsWhiteSpace(c))
                {
                    base64.Append(c);
                }
            }

            try
            {
                return Convert.FromBase64String(base64.ToString());
            }
            catch (FormatException)
            {
                throw new FormatException($"The '{label}' block is not valid base64.");
            }
        }
    }
}
