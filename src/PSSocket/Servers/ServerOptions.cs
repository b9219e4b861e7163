using System.Threading;

namespace PSSocket.Servers
{
    /// <summary>How a background server admits and keeps connections; the same for every mode.</summary>
    internal sealed class ServerOptions
    {
        public const int DefaultStopTimeout = 5_000;

        /// <summary>Connections beyond this many open ones are refused (accepted and closed at once); null: no limit.</summary>
        public int? MaxConnections { get; set; }

        /// <summary>Only clients from these addresses and subnets are served; null: every client.</summary>
        public ClientFilter? AllowedClients { get; set; }

        /// <summary>
        /// Milliseconds the echo and broadcast modes wait for a quiet client before closing it; -1 waits forever.
        /// </summary>
        public int IdleTimeout { get; set; } = Timeout.Infinite;

        /// <summary>How long closing the listener waits for handlers to end, in milliseconds.</summary>
        public int StopTimeout { get; set; } = DefaultStopTimeout;

        /// <summary>Report each accepted, refused and closed connection in the Verbose stream.</summary>
        public bool LogConnections { get; set; }
    }
}
