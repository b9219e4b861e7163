using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Servers
{
    /// <summary>Echo mode: every byte a client sends goes back to it, until it closes its side.</summary>
    internal sealed class EchoHandler : IConnectionHandler
    {
        private SocketServer? _server;

        public ServerMode Mode => ServerMode.Echo;

        public void Start(SocketServer server) => _server = server;

        public void Handle(SocketSession connection) => _server!.RunOnThread(() => Echo(connection), connection);

        public void BeginStop()
        {
        }

        public void Dispose()
        {
        }

        private void Echo(SocketSession connection)
        {
            SocketServer server = _server!;
            try
            {
                SessionReceiver receiver = connection.GetReceiver();
                while (true)
                {
                    byte[]? data = receiver.ReceiveAvailable(null, Deadline.After(server.Options.IdleTimeout), server.StopToken);
                    if (data == null)
                    {
                        break;
                    }

                    connection.Send(data, 0, data.Length, server.StopToken);
                }
            }
            catch (SocketSessionException e)
            {
                server.ReportConnectionEnded(connection, e);
            }
            finally
            {
                connection.Close();
            }
        }
    }
}
