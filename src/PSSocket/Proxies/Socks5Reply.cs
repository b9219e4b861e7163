using System.Net.Sockets;

namespace PSSocket.Proxies
{
    /// <summary>The reply codes of a SOCKS5 CONNECT (RFC 1928, section 6) and what each means for the caller.</summary>
    internal static class Socks5Reply
    {
        public const byte Succeeded = 0;

        public static string Meaning(byte code) => code switch
        {
            1 => "general SOCKS server failure",
            2 => "connection not allowed by ruleset",
            3 => "network unreachable",
            4 => "host unreachable",
            5 => "connection refused",
            6 => "TTL expired",
            7 => "command not supported",
            8 => "address type not supported",
            _ => "an unassigned reply code",
        };

        /// <summary>Codes 3 to 6: the proxy tried the target and could not reach it; the others are the proxy's own refusal.</summary>
        public static bool TargetUnreachable(byte code) => code >= 3 && code <= 6;

        /// <summary>The socket error a target-unreachable code stands for, as a direct connect would have met it.</summary>
        public static SocketError? SocketErrorOf(byte code) => code switch
        {
            3 => SocketError.NetworkUnreachable,
            4 => SocketError.HostUnreachable,
            5 => SocketError.ConnectionRefused,
            6 => SocketError.TimedOut,
            _ => null,
        };

        public static string Describe(byte code) => $"{Meaning(code)} (SOCKS reply code {code})";
    }
}
