using System.Collections.Generic;
using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>A reply of SMTP or FTP: a three-digit code, on one line ("220 ready") or several ("250-a", "250 b").</summary>
    internal sealed class NumericReply
    {
        private NumericReply(int code, List<string> lines)
        {
            Code = code;
            Lines = lines;
        }

        /// <summary>The code, or 0 when the first line does not start with three digits.</summary>
        public int Code { get; }

        public List<string> Lines { get; }

        public string First => Lines[0];

        /// <summary>Reads one reply, bounded in lines; a reply that is not numeric is returned with Code 0.</summary>
        public static async Task<NumericReply> ReadAsync(DialogueChannel channel)
        {
            string first = await channel.ReadLineAsync().ConfigureAwait(false);
            var lines = new List<string> { first };
            if (first.Length < 3 || !int.TryParse(first.Substring(0, 3), out int code) || code < 100)
            {
                return new NumericReply(0, lines);
            }

            if (first.Length > 3 && first[3] == '-')
            {
                string last = first.Substring(0, 3) + " ";
                string line;
                do
                {
                    if (lines.Count >= 1000)
                    {
                        throw channel.Failed("a reply ran past 1000 lines");
                    }

                    line = await channel.ReadLineAsync().ConfigureAwait(false);
                    lines.Add(line);
                }
                while (!line.StartsWith(last) && line != first.Substring(0, 3));
            }

            return new NumericReply(code, lines);
        }
    }
}
