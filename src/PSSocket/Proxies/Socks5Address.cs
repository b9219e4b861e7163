using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace PSSocket.Proxies
{
    /// <summary>SOCKS5's address fields (RFC 1928, section 5): ATYP, then an IPv4 address, a length-prefixed name or an IPv6 address, then the port.</summary>
    internal static class Socks5Address
    {
        public const byte IPv4 = 1;
        public const byte DomainName = 3;
        public const byte IPv6 = 4;

        /// <summary>The target as ATYP, address and port: an address literal as itself, a name for the proxy to resolve.</summary>
        public static byte[] Encode(ProxyTarget target)
        {
            byte[] address;
            byte type;
            if (target.Address != null)
            {
                address = target.Address.GetAddressBytes();
                type = target.Address.AddressFamily == AddressFamily.InterNetworkV6 ? IPv6 : IPv4;
            }
            else
            {
                byte[] name = Encoding.ASCII.GetBytes(target.Host);
                address = new byte[name.Length + 1];
                address[0] = (byte)name.Length;
                Buffer.BlockCopy(name, 0, address, 1, name.Length);
                type = DomainName;
            }

            var encoded = new byte[1 + address.Length + 2];
            encoded[0] = type;
            Buffer.BlockCopy(address, 0, encoded, 1, address.Length);
            encoded[encoded.Length - 2] = (byte)(target.Port >> 8);
            encoded[encoded.Length - 1] = (byte)target.Port;
            return encoded;
        }

        /// <summary>Reads the address of type <paramref name="type"/> and the port behind it: an IPEndPoint, or a DnsEndPoint for a name.</summary>
        public static async Task<EndPoint> ReadAsync(ProxyChannel channel, byte type)
        {
            switch (type)
            {
                case IPv4:
                case IPv6:
                    var address = new IPAddress(await channel.ReadExactAsync(type == IPv4 ? 4 : 16).ConfigureAwait(false));
                    return new IPEndPoint(address, await ReadPortAsync(channel).ConfigureAwait(false));
                case DomainName:
                    int length = await channel.ReadByteAsync().ConfigureAwait(false);
                    string name = Encoding.ASCII.GetString(await channel.ReadExactAsync(length).ConfigureAwait(false));
                    int port = await ReadPortAsync(channel).ConfigureAwait(false);
                    return length == 0 ? throw channel.Failure.ProtocolError("its reply names an empty bound address") : new DnsEndPoint(name, port);
                default:
                    throw channel.Failure.ProtocolError($"its reply has address type {type}, which SOCKS5 does not define");
            }
        }

        private static async Task<int> ReadPortAsync(ProxyChannel channel)
        {
            byte[] port = await channel.ReadExactAsync(2).ConfigureAwait(false);
            return (port[0] << 8) | port[1];
        }
    }
}
