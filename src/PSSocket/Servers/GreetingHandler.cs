using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Servers
{
    /// <summary>
    /// Greeting mode: sends the same bytes to each client as soon as it connects, then closes the connection, or,
    /// with keep-open, leaves it open for a script (it is written to the job's output and listed by Get-Socket).
    /// </summary>
    internal sealed class GreetingHandler : IConnectionHandler
    {
        private readonly byte[] _greeting;
        private readonly bool _keepOpen;
        private SocketServer? _server;

        public GreetingHandler(byte[] greeting, bool keepOpen)
        {
            _greeting = greeting ?? throw new ArgumentNullException(nameof(greeting));
            _keepOpen = keepOpen;
        }

        public ServerMode Mode => ServerMode.Greeting;

        public void Start(SocketServer server) => _server = server;

        /// <summary>
        /// Greets from the accept loop itself: a send that has room in the socket's buffer completes at once, and one
        /// that has not (a large greeting to a client that does not read) waits without a thread.
        /// </summary>
        public void Handle(SocketSession connection) => _server!.Serve(connection, () => GreetAsync(connection));

        public void BeginStop()
        {
        }

        public void Dispose()
        {
        }

        private async Task GreetAsync(SocketSession connection)
        {
            SocketServer server = _server!;
            bool keep = false;
            using var watchdog = new ConnectionWatchdog(connection);
            try
            {
                // The session's Task-based send, not a ConnectionIO: one send per connection does not pay for a reusable operation.
                if (_greeting.Length > 0)
                {
                    Task sending = connection.Stream.ForServer.SendAsync(_greeting, 0, _greeting.Length);
                    if (!sending.IsCompleted)
                    {
                        watchdog.ArmSend(connection.SendTimeout); // the greeting did not fit in the socket's buffer
                    }

                    await sending.ConfigureAwait(false);
                    watchdog.Disarm();
                }

                if (_keepOpen)
                {
                    keep = true;
                    server.ReportOutput(connection);
                    return;
                }

                DiscardWhatArrived(connection, server);
            }
            catch (SocketSessionException e)
            {
                if (!server.IsStopping)
                {
                    server.ReportConnectionEnded(connection, watchdog.Explain(e));
                }
            }
            finally
            {
                if (!keep)
                {
                    connection.Close();
                }
            }
        }

        /// <summary>
        /// Reads what the client has already sent, without waiting: closing a socket with unread bytes resets the
        /// connection, and a reset can cost the client the greeting it has not read yet.
        /// </summary>
        private static void DiscardWhatArrived(SocketSession connection, SocketServer server)
        {
            Socket? socket = connection.Socket;
            try
            {
                for (int i = 0; i < 16 && socket != null && socket.Available > 0; i++)
                {
                    connection.Stream.Receiver.ReceiveAvailable(null, Deadline.After(0), server.StopToken);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException)
            {
                // Closed meanwhile (the server stopping, or Close-Socket): nothing is left to discard, and no failure to report.
            }
        }
    }
}
