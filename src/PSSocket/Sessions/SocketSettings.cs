using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The options a session applies to every socket it makes. A failed connect leaves a socket unusable on
    /// Unix, so the session makes a fresh socket for each address it tries and applies these to each.
    /// </summary>
    public sealed partial class SocketSettings
    {
        public const int DefaultConnectTimeout = 10_000;
        public const int DefaultReceiveTimeout = 30_000;
        public const int DefaultSendTimeout = 30_000;

        /// <summary>The longest line or delimited record a receive returns (1 MiB): a peer that never ends its line costs no more.</summary>
        public const int DefaultMaxRecordLength = 1024 * 1024;

        /// <summary>The most -ToEnd holds in memory (64 MiB); -OutFile receives more.</summary>
        public const int DefaultMaxToEndLength = 64 * 1024 * 1024;

        public static readonly Encoding DefaultEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        public IPFamily Family { get; set; } = IPFamily.Any;
        public bool NoDelay { get; set; }
        public int? SendBufferSize { get; set; }
        public int? ReceiveBufferSize { get; set; }
        public Encoding Encoding { get; set; } = DefaultEncoding;

        /// <summary>Milliseconds; -1 waits forever. Every timeout in the module is in milliseconds.</summary>
        public int ConnectTimeout { get; set; } = DefaultConnectTimeout;
        public int ReceiveTimeout { get; set; } = DefaultReceiveTimeout;
        public int SendTimeout { get; set; } = DefaultSendTimeout;

        /// <summary>Bytes; see <see cref="DefaultMaxRecordLength"/> and <see cref="DefaultMaxToEndLength"/>.</summary>
        public int MaxRecordLength { get; set; } = DefaultMaxRecordLength;
        public int MaxToEndLength { get; set; } = DefaultMaxToEndLength;

        public SocketSettings Clone() => (SocketSettings)MemberwiseClone();

        internal void ApplyTo(Socket socket)
        {
            if (socket.ProtocolType == ProtocolType.Tcp && socket.SocketType == SocketType.Stream)
            {
                socket.NoDelay = NoDelay;
            }

            if (SendBufferSize.HasValue)
            {
                socket.SendBufferSize = SendBufferSize.Value;
            }

            if (ReceiveBufferSize.HasValue)
            {
                socket.ReceiveBufferSize = ReceiveBufferSize.Value;
            }

            ApplyKindOptions(socket);
        }

        internal static int Normalize(int timeout) => timeout < 0 ? Timeout.Infinite : timeout;
    }
}
