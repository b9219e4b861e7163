using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using PSSocket.Framing;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The options a session applies to every socket it makes. A failed connect leaves a socket unusable on
    /// Unix, so the session makes a fresh socket for each address it tries and applies these to each.
    /// </summary>
    internal sealed class SocketSettings
    {
        public const int DefaultConnectTimeout = 10_000;
        public const int DefaultReceiveTimeout = 30_000;
        public const int DefaultSendTimeout = 30_000;

        public const int DefaultMaxRecordLength = SessionReceiver.DefaultMaxRecordLength;
        public const int DefaultMaxToEndLength = SessionReceiver.DefaultMaxToEndLength;

        /// <summary>
        /// SO_RCVBUF asked for on datagram sockets when the user names none. The OS caps it (Linux at
        /// net.core.rmem_max, doubled); the session's receive pump does the rest of the work against bursts.
        /// </summary>
        public const int DefaultDatagramReceiveBufferSize = 4 * 1024 * 1024;

        /// <summary>Windows' SIO_UDP_CONNRESET: stops an ICMP port-unreachable from failing later receives on an unconnected UDP socket.</summary>
        private const int SioUdpConnReset = -1744830452;

        public static readonly Encoding DefaultEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        public SocketProtocol Protocol { get; set; } = SocketProtocol.Tcp;

        /// <summary>IPv6 sockets also accept IPv4 (IPv4-mapped) peers; off makes them IPv6-only whatever the OS default.</summary>
        public bool DualMode { get; set; }

        /// <summary>SO_BROADCAST on UDP sockets.</summary>
        public bool Broadcast { get; set; }

        /// <summary>The multicast groups a bound UDP session joins.</summary>
        public IPAddress[] MulticastGroups { get; set; } = Array.Empty<IPAddress>();

        /// <summary>A Raw session's IP protocol (Icmp, IcmpV6, a number); null for the other kinds.</summary>
        public IPProtocol? IPProtocol { get; set; }

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

        /// <summary>A datagram listener whose socket a server reads (the UDP relay): no receive pump of the session's own.</summary>
        internal bool ServerReceives { get; set; }

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

        private void ApplyKindOptions(Socket socket)
        {
            // A raw IPv6 socket is bound to its protocol from the start, and Linux refuses IPV6_V6ONLY on it.
            if (socket.AddressFamily == AddressFamily.InterNetworkV6 && !socket.IsBound && !socket.Connected && socket.SocketType != SocketType.Raw)
            {
                // IPV6_V6ONLY can only be set before bind; an accepted socket inherits its listener's.
                socket.DualMode = DualMode;
            }

            if (!Protocol.IsDatagram())
            {
                return;
            }

            if (!ReceiveBufferSize.HasValue)
            {
                try
                {
                    socket.ReceiveBufferSize = DefaultDatagramReceiveBufferSize;
                }
                catch (SocketException)
                {
                    // Above the system's limit (macOS refuses rather than caps): the OS default stays.
                }
            }

            if (Protocol == SocketProtocol.Udp)
            {
                socket.EnableBroadcast = Broadcast;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    socket.IOControl(SioUdpConnReset, new byte[4], null);
                }
            }
        }

        /// <summary>A socket of the session's protocol in <paramref name="family"/>, with these options.</summary>
        internal Socket NewSocket(AddressFamily family)
        {
            Socket socket = Protocol == SocketProtocol.Raw
                ? RawSockets.Open(family, IPProtocol, IPProtocol)
                : new Socket(family, Protocol.SocketType(), Protocol.ProtocolType());
            ApplyTo(socket);
            return socket;
        }

        /// <summary>A Unix socket of the session's protocol with these options, or UnixSocketsNotSupported.</summary>
        internal Socket NewUnixSocket(object? target)
        {
            Socket socket = UnixEndPoints.NewSocket(Protocol, target);
            ApplyTo(socket);
            return socket;
        }

        internal static int Normalize(int timeout) => timeout < 0 ? Timeout.Infinite : timeout;
    }
}
