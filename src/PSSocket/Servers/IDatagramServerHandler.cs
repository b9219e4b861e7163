using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Servers
{
    /// <summary>
    /// A server mode for a datagram listener (the UDP relay): instead of the accept loop, the server runs
    /// <see cref="RunAsync"/> on the listener's socket; the mode keeps its own open/bytes counts (associations).
    /// </summary>
    internal interface IDatagramServerHandler : IConnectionHandler
    {
        /// <summary>What the server's statistics report as open and bytes: the mode's associations.</summary>
        IConnectionCounts Counts { get; }

        /// <summary>Receives from <paramref name="socket"/> until the listener closes or <paramref name="stopping"/> fires. Never faults on socket errors of one client.</summary>
        Task RunAsync(Socket socket, CancellationToken stopping);
    }
}
