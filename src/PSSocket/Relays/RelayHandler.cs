using PSSocket.Servers;
using PSSocket.Sessions;

namespace PSSocket.Relays
{
    /// <summary>
    /// Relay mode: each admitted connection is connected to the target and bytes are copied both ways (see
    /// <see cref="RelayConnection"/>), all on asynchronous operations. When the stage source refuses new connections,
    /// a client is closed as soon as it is admitted, without a connect to the target.
    /// </summary>
    internal sealed class RelayHandler : IConnectionHandler
    {
        private readonly RelayOptions _options;
        private SocketServer? _server;

        public RelayHandler(RelayOptions options)
        {
            _options = options;
        }

        public ServerMode Mode => ServerMode.Relay;

        public RelayOptions Options => _options;

        public void Start(SocketServer server) => _server = server;

        public void Handle(SocketSession connection)
        {
            SocketServer server = _server!;
            if (_options.Stages?.RefusesNewConnections == true)
            {
                if (server.LogConnections)
                {
                    server.ReportVerbose($"Refused session {connection.Id} ({EndPoints.Format(connection.RemoteEndPoint)}): the relay refuses new connections.");
                }

                connection.Close();
                return;
            }

            var relayed = new RelayConnection(server, connection, _options);
            server.Serve(connection, relayed.RunAsync);
        }

        public void BeginStop()
        {
        }

        public void Dispose()
        {
        }
    }
}
