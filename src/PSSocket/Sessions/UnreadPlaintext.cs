using System;
using System.Net.Sockets;
using PSSocket.Tls;

namespace PSSocket.Sessions
{
    /// <summary>
    /// STARTTLS's guard against injection: plaintext that arrived before the upgrade and sits in the kernel, unread,
    /// is counted (a TLS record's first bytes are not plaintext) and, with -DiscardUnreadData, dropped.
    /// </summary>
    internal static class UnreadPlaintext
    {
        /// <summary>Bytes in the kernel that do not begin a TLS handshake record (0x16 0x03): plaintext sent before TLS.</summary>
        public static int InKernel(Socket socket)
        {
            int available = Available(socket);
            if (available == 0)
            {
                return 0;
            }

            var head = new byte[2];
            try
            {
                int peeked = socket.Receive(head, Math.Min(available, 2), SocketFlags.Peek);
                bool tlsRecord = head[0] == 0x16 && (peeked < 2 || head[1] == 0x03);
                return tlsRecord ? 0 : available;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                return 0;
            }
        }

        /// <summary>
        /// Drops the plaintext bytes waiting in the kernel. A read still pending would take them first, so it is let
        /// finish within <paramref name="waitForRead"/> ms (the bytes are there) and its bytes are dropped too; the
        /// handshake starts clean. Returns the read still pending, if it did not finish.
        /// </summary>
        public static PendingRead? Drop(Socket socket, PendingRead? waiting, int waitForRead)
        {
            if (waiting != null)
            {
                if (!waiting.Read.Wait(waitForRead))
                {
                    return waiting;
                }

                waiting = null;
            }

            var scratch = new byte[16 * 1024];
            for (int rounds = 0; rounds < 4096; rounds++)
            {
                int pending = Available(socket);
                if (pending == 0)
                {
                    break;
                }

                socket.Receive(scratch, Math.Min(pending, scratch.Length), SocketFlags.None);
            }

            return waiting;
        }

        private static int Available(Socket socket)
        {
            try
            {
                return socket.Available;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                return 0;
            }
        }
    }
}
