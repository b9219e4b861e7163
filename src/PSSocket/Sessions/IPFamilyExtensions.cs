using System.Net.Sockets;

namespace PSSocket.Sessions
{
    internal static class IPFamilyExtensions
    {
        public static bool Allows(this IPFamily family, AddressFamily addressFamily) => family switch
        {
            IPFamily.IPv4 => addressFamily == AddressFamily.InterNetwork,
            IPFamily.IPv6 => addressFamily == AddressFamily.InterNetworkV6,
            _ => addressFamily == AddressFamily.InterNetwork || addressFamily == AddressFamily.InterNetworkV6,
        };

        public static IPFamily FromAddressFamily(AddressFamily addressFamily) =>
            addressFamily == AddressFamily.InterNetworkV6 ? IPFamily.IPv6 : IPFamily.IPv4;
    }
}
