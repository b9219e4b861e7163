using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// Echo mode: every byte a client sends goes back to it, until it closes its side. Each connection has one
    /// buffer and reads the next chunk only after the previous one was sent, so a client that does not read what it
    /// gets back stalls only itself, at the size of that buffer.
    /// </summary>
    internal sealed class EchoHandler : IConnectionHandler
    {
        internal const int BufferSize = 16 * 1024;

        private SocketServer? _server;

        public ServerMode Mode => ServerMode.Echo;

        public void Start(SocketServer server) => _server = server;

        public void Handle(SocketSession connection) => _server!.Serve(connection, () => EchoAsync(connection));

        public void BeginStop()
        {
        }

        public void Dispose()
        {
        }

        private async Task EchoAsync(SocketSession connection)
        {
            SocketServer server = _server!;
            var buffer = new byte[BufferSize];
            using var watchdog = new ConnectionWatchdog(connection);
            try
            {
                while (true)
                {
                    watchdog.ArmReceive(server.Options.IdleTimeout);
                    int received = await connection.ReceiveForServerAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
                    watchdog.Disarm();
                    if (received == 0)
                    {
                        break;
                    }

                    watchdog.ArmSend(connection.SendTimeout);
                    await connection.SendForServerAsync(buffer, 0, received).ConfigureAwait(false);
                    watchdog.Disarm();
                }
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
                connection.Close();
            }
        }
    }
}
