using System.Net.Sockets;
using System.Runtime.InteropServices;
using PSSocket.Errors;

namespace PSSocket.Sessions
{
    /// <summary>Makes raw IP sockets (SOCK_RAW), naming the privilege they need when the system refuses one.</summary>
    internal static class RawSockets
    {
        /// <summary>The largest payload an IPv4 packet carries without options: 65,535 less its 20-byte header.</summary>
        public const int MaxPayloadIPv4 = 65_515;

        /// <summary>The largest payload of an IPv6 packet without jumbograms (the Payload Length field's limit).</summary>
        public const int MaxPayloadIPv6 = 65_535;

        /// <summary>A raw socket of <paramref name="protocol"/> in <paramref name="family"/>, or RawSocketNotPermitted.</summary>
        public static Socket Open(AddressFamily family, IPProtocol? protocol, object? target)
        {
            IPProtocol ip = protocol ?? throw new SocketSessionException(
                ErrorIds.ConflictingParameters, "A Raw session needs its IP protocol: give -IPProtocol (Icmp, IcmpV6 or a number).", target);
            try
            {
                try
                {
                    return new Socket(family, SocketType.Raw, (ProtocolType)ip.Number);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ProtocolNotSupported)
                {
                    // .NET maps only a few protocol numbers; the system itself takes any.
                    return NativeRawSocket.TryOpen(family, ip.Number) ?? throw e;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
            {
                throw new SocketSessionException(ErrorIds.RawSocketNotPermitted, NotPermitted(family, ip), target, e);
            }
            catch (SocketException e)
            {
                throw new SocketSessionException(
                    ErrorIds.SocketError,
                    $"The system would not make a raw {(family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} socket for IP protocol {ip.Name} ({ip.Number}): {e.SocketErrorCode} ({e.Message}).",
                    target,
                    e);
            }
        }

        private static string NotPermitted(AddressFamily family, IPProtocol protocol)
        {
            string need = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? "run PowerShell as administrator"
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                ? "run as root, or give the process the CAP_NET_RAW capability (for example: sudo setcap cap_net_raw+ep on the pwsh executable, or systemd's AmbientCapabilities=CAP_NET_RAW)"
                : "run as root";
            return $"Opening a raw {(family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} socket for IP protocol {protocol.Name} ({protocol.Number}) was refused: raw sockets need privilege; {need}.";
        }
    }
}
