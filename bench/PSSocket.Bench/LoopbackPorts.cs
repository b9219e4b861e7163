using System;
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
    }
}
