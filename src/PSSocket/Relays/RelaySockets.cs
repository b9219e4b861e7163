using System;
using System.Net.Sockets;

namespace PSSocket.Relays
{
    /// <summary>What a relay does to a raw socket beyond what sessions offer.</summary>
    internal static class RelaySockets
    {
        /// <summary>Closes the socket with SO_LINGER 0, so the peer gets a reset (RST) instead of a FIN. Best effort.</summary>
        public static void Reset(Socket? socket)
        {
            if (socket == null)
            {
                return;
            }

            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                // Already closed: nothing is left to reset.
            }
        }
    }
}
