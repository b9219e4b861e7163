using System;
using System.Collections.Generic;
using System.Globalization;

namespace PSSocket.HealthChecks
{
    /// <summary>Reads port lists as people write them: "443", "80,443", "8000-8010", "22, 80, 8000-8010".</summary>
    internal static class PortList
    {
        public const int Lowest = 1;
        public const int Highest = 65535;

        /// <summary>The ports of <paramref name="text"/> in order (duplicates kept); FormatException says what is wrong.</summary>
        public static IEnumerable<int> Parse(string text)
        {
            string[] parts = text.Split(new[] { ',', ' ', '\t', ';' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                throw new FormatException($"'{text}' names no port.");
            }

            foreach (string part in parts)
            {
                int dash = part.IndexOf('-', 1);
                if (dash < 0)
                {
                    yield return Number(part, text);
                    continue;
                }

                int first = Number(part.Substring(0, dash), text);
                int last = Number(part.Substring(dash + 1), text);
                if (last < first)
                {
                    throw new FormatException($"The range '{part}' in '{text}' runs backwards; write the lower port first.");
                }

                for (int port = first; port <= last; port++)
                {
                    yield return port;
                }
            }
        }

        private static int Number(string value, string text)
        {
            if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < Lowest || port > Highest)
            {
                throw new FormatException($"'{value}' in '{text}' is not a port number from {Lowest} to {Highest}.");
            }

            return port;
        }
    }
}
