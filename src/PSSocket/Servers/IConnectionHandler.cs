using System;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>One server mode: what happens to each connection a <see cref="SocketServer"/> admits.</summary>
    internal interface IConnectionHandler : IDisposable
    {
        ServerMode Mode { get; }

        /// <summary>Prepares before the first accept (a runspace pool opens here); may throw to refuse to start.</summary>
        void Start(SocketServer server);

        /// <summary>
        /// Takes on one admitted connection. Runs on the accept loop, so it must not wait: it starts asynchronous work
        /// (<see cref="SocketServer.Serve"/>) or hands the connection to a pool of its own, and returns.
        /// </summary>
        void Handle(SocketSession connection);

        /// <summary>The server is stopping: stop handlers. The server closes the connections itself, right after.</summary>
        void BeginStop();
    }
}
