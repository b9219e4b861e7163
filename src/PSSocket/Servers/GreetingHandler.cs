using System;
using System.Net.Sockets;
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
        /// Greets on the thread pool: a client that does not read must not hold up the accept thread. (Greeting on the
        /// accept thread itself measured no faster on loopback.)
        /// </summary>
        public void Handle(SocketSession connection) => _server!.RunOnPool(() => Greet(connection), connection);

        public void BeginStop()
        {
        }

        public void Dispose()
        {
        }

        private void Greet(SocketSession connection)
        {
            SocketServer server = _server!;
            bool keep = false;
            try
            {
                if (_greeting.Length > 0)
                {
                    connection.Send(_greeting, 0, _greeting.Length, server.StopToken);
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
                server.ReportConnectionEnded(connection, e);
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
                    connection.GetReceiver().ReceiveAvailable(null, Deadline.After(0), server.StopToken);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException)
            {
                // Closed meanwhile (the server stopping, or Close-Socket): nothing is left to discard, and no failure to report.
            }
        }
    }
}
