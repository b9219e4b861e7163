using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// Echo mode: every byte a client sends goes back to it, until it closes its side. Each connection has one
    /// buffer and reads the next chunk only after the previous one was sent, so a client that does not read what it
    /// gets back stalls only itself, at the size of that buffer. The buffer starts small (10,000 quiet clients cost
    /// little) and grows, up to <see cref="MaxBufferSize"/>, for a client that keeps filling it.
    /// </summary>
    internal sealed class EchoHandler : IConnectionHandler
    {
        internal const int FirstBufferSize = 4 * 1024;
        internal const int MaxBufferSize = 64 * 1024;

        /// <summary>Receives in a row that fill the buffer before it grows.</summary>
        private const int FullReceivesToGrow = 2;

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
            var buffer = new byte[FirstBufferSize];
            int fullReceives = 0;
            using var io = new ConnectionIO(connection, server.Options.IdleTimeout);
            try
            {
                while (true)
                {
                    int received = await io.Receive(buffer, 0, buffer.Length);
                    if (received == 0)
                    {
                        break;
                    }

                    for (int sent = 0; sent < received;)
                    {
                        sent += await io.Send(buffer, sent, received - sent);
                    }

                    fullReceives = received == buffer.Length ? fullReceives + 1 : 0;
                    if (fullReceives == FullReceivesToGrow && buffer.Length < MaxBufferSize)
                    {
                        buffer = new byte[buffer.Length * 4];
                        fullReceives = 0;
                    }
                }
            }
            catch (SocketSessionException e)
            {
                if (!server.IsStopping)
                {
                    server.ReportConnectionEnded(connection, io.Explain(e));
                }
            }
            finally
            {
                connection.Close();
            }
        }
    }
}
