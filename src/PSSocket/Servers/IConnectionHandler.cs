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
        /// Takes on one admitted connection. Runs on the accept thread, so it must hand long work to a thread of the
        /// server (<see cref="SocketServer.RunOnThread"/>, <see cref="SocketServer.RunOnPool"/>) and return.
        /// </summary>
        void Handle(SocketSession connection);

        /// <summary>The server is stopping: stop handlers. The server closes the connections itself, right after.</summary>
        void BeginStop();
    }
}
