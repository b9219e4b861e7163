using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PSSocket.Sessions
{
    /// <summary>The options of the socket kinds beyond TCP: datagram buffers, broadcast, dual-stack IPv6.</summary>
    public sealed partial class SocketSettings
    {
        /// <summary>
        /// SO_RCVBUF asked for on datagram sockets when the user names none. The OS caps it (Linux at
        /// net.core.rmem_max, doubled); the session's receive pump does the rest of the work against bursts.
        /// </summary>
        public const int DefaultDatagramReceiveBufferSize = 4 * 1024 * 1024;

        /// <summary>Windows' SIO_UDP_CONNRESET: stops an ICMP port-unreachable from failing later receives on an unconnected UDP socket.</summary>
        private const int SioUdpConnReset = -1744830452;

        public SocketProtocol Protocol { get; set; } = SocketProtocol.Tcp;

        /// <summary>IPv6 sockets also accept IPv4 (IPv4-mapped) peers; off makes them IPv6-only whatever the OS default.</summary>
        public bool DualMode { get; set; }

        /// <summary>SO_BROADCAST on UDP sockets.</summary>
        public bool Broadcast { get; set; }

        /// <summary>The multicast groups a bound UDP session joins.</summary>
        public IPAddress[] MulticastGroups { get; set; } = Array.Empty<IPAddress>();

        private void ApplyKindOptions(Socket socket)
        {
            if (socket.AddressFamily == AddressFamily.InterNetworkV6 && !socket.IsBound && !socket.Connected)
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
    }
}
