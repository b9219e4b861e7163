namespace PSSocket
{
    /// <summary>What <see cref="ServerStatistics"/> reads live from a server's connections, without knowing the server.</summary>
    internal interface IConnectionCounts
    {
        /// <summary>Connections open now.</summary>
        int Open { get; }

        /// <summary>Bytes received from every connection, open and closed.</summary>
        long BytesReceived { get; }

        /// <summary>Bytes sent to every connection, open and closed.</summary>
        long BytesSent { get; }
    }
}
