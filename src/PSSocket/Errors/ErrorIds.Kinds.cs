namespace PSSocket.Errors
{
    /// <summary>The error ids of datagram sessions, Unix domain sockets and address families.</summary>
    public static partial class ErrorIds
    {
        /// <summary>A stream-only operation (-Line, -ToEnd, -Delimiter, -OutFile, -Path, accept, half-close) asked of a datagram session.</summary>
        public const string NotAStreamSession = "NotAStreamSession";

        /// <summary>A destination (-RemoteEndPoint, -ComputerName) given to a stream session, which sends only to its peer.</summary>
        public const string NotADatagramSession = "NotADatagramSession";

        /// <summary>A send on a datagram session that is not connected, without a destination.</summary>
        public const string NoDestination = "NoDestination";

        /// <summary>A receive on a datagram session that has no local address yet.</summary>
        public const string NotBound = "NotBound";

        public const string DatagramTooLarge = "DatagramTooLarge";
        public const string DatagramTruncated = "DatagramTruncated";
        public const string BroadcastNotEnabled = "BroadcastNotEnabled";
        public const string InvalidMulticastGroup = "InvalidMulticastGroup";
        public const string UnixSocketsNotSupported = "UnixSocketsNotSupported";
        public const string SocketPathTooLong = "SocketPathTooLong";
        public const string SocketPathNotFound = "SocketPathNotFound";
        public const string NotASocket = "NotASocket";
        public const string SocketTypeMismatch = "SocketTypeMismatch";
        public const string AccessDenied = "AccessDenied";
    }
}
