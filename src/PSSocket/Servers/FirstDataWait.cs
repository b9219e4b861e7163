using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// Waits, without a thread, until a new connection has something to read (data or its end), so that a client
    /// that connects and stays silent holds no handler slot. A zero-byte receive completes when the socket becomes
    /// readable and consumes nothing. The wait ends with <c>false</c> when the connection fails, closes, or stays
    /// silent for <paramref name="idleTimeout"/> ms; the caller then closes it.
    /// </summary>
    internal static class FirstDataWait
    {
        private static readonly ArraySegment<byte> Nothing = new ArraySegment<byte>(Array.Empty<byte>());

        /// <summary>Calls <paramref name="ready"/> once, on a pool thread or inline: true when there is something to read.</summary>
        public static void Begin(SocketSession connection, int idleTimeout, Action<bool> ready)
        {
            Socket? socket = connection.Socket;
            if (socket == null || connection.Tls != null || socket.Available > 0)
            {
                // TLS may already hold decrypted bytes the socket no longer shows; such a connection starts at once.
                ready(socket != null);
                return;
            }

            Task<int> wait;
            try
            {
                wait = socket.ReceiveAsync(Nothing, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                ready(false);
                return;
            }

            Timer? timer = null;
            int reported = 0;
            void Report(bool hasData)
            {
                if (Interlocked.Exchange(ref reported, 1) == 0)
                {
                    timer?.Dispose();
                    ready(hasData);
                }
            }

            if (idleTimeout != Timeout.Infinite && !wait.IsCompleted)
            {
                timer = new Timer(_ => Report(false), null, idleTimeout, Timeout.Infinite);
            }

            wait.ContinueWith(
                t =>
                {
                    _ = t.Exception;
                    Report(t.Status == TaskStatus.RanToCompletion);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            if (Volatile.Read(ref reported) != 0)
            {
                timer?.Dispose(); // the wait ended before the timer was set
            }
        }
    }
}
