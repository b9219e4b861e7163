using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace PSSocket.Bench
{
    internal static class LoopbackPorts
    {
        private static readonly Random Random = new Random();

        /// <summary>
        /// A free port below the ephemeral range, for external programs that need a port number up front
        /// (ports in the ephemeral range can collide with TIME_WAIT sockets of earlier runs).
        /// </summary>
        public static int FreeLowPort()
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                int port = Random.Next(20000, 32000);
                try
                {
                    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                }
            }

            throw new InvalidOperationException("No free loopback port found below 32000.");
        }

        /// <summary>The first of <paramref name="count"/> consecutive ports below the ephemeral range on which nothing listens.</summary>
        public static int ClosedRange(int count)
        {
            var listening = new HashSet<int>();
            foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            {
                if (!File.Exists(table))
                {
                    continue;
                }

                foreach (string line in File.ReadLines(table).Skip(1))
                {
                    string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 3 && fields[3] == "0A")
                    {
                        listening.Add(int.Parse(fields[1].Substring(fields[1].LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    }
                }
            }

            for (int start = 21000; start + count < 32000; start += count)
            {
                if (!Enumerable.Range(start, count).Any(listening.Contains))
                {
                    return start;
                }
            }

            throw new InvalidOperationException($"No {count} consecutive closed ports found below 32000.");
        }
    }
}
