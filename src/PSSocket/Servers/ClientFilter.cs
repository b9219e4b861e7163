using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using PSSocket.Errors;

namespace PSSocket.Servers
{
    /// <summary>An allow-list of client addresses and subnets: "192.0.2.7", "10.0.0.0/8", "::1", "fd00::/8".</summary>
    internal sealed class ClientFilter
    {
        private readonly Rule[] _rules;

        private ClientFilter(Rule[] rules, string[] entries)
        {
            _rules = rules;
            Entries = entries;
        }

        /// <summary>The entries as given.</summary>
        public IReadOnlyList<string> Entries { get; }

        /// <summary>Parses addresses and CIDR subnets; an entry that is neither fails with InvalidClientAddress.</summary>
        public static ClientFilter Parse(IEnumerable<string> entries)
        {
            var rules = new List<Rule>();
            var given = new List<string>();
            foreach (string raw in entries)
            {
                string entry = (raw ?? string.Empty).Trim();
                given.Add(entry);
                rules.Add(ParseOne(entry));
            }

            return new ClientFilter(rules.ToArray(), given.ToArray());
        }

        /// <summary>True when <paramref name="address"/> matches an entry. IPv4 addresses seen through an IPv6 socket match IPv4 entries.</summary>
        public bool Allows(IPAddress? address)
        {
            if (address == null)
            {
                return false;
            }

            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            byte[] bytes = address.GetAddressBytes();
            return _rules.Any(rule => rule.Matches(bytes));
        }

        public override string ToString() => string.Join(", ", Entries);

        private static Rule ParseOne(string entry)
        {
            string addressText = entry;
            int? prefix = null;
            int slash = entry.IndexOf('/');
            if (slash >= 0)
            {
                addressText = entry.Substring(0, slash);
                if (!int.TryParse(entry.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int bits))
                {
                    throw Invalid(entry);
                }

                prefix = bits;
            }

            if (!IPAddress.TryParse(addressText, out IPAddress? address) || address == null)
            {
                throw Invalid(entry);
            }

            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            byte[] bytes = address.GetAddressBytes();
            int length = prefix ?? bytes.Length * 8;
            if (length < 0 || length > bytes.Length * 8)
            {
                throw Invalid(entry);
            }

            return new Rule(bytes, length);
        }

        private static SocketSessionException Invalid(string entry) => new SocketSessionException(
            ErrorIds.InvalidClientAddress,
            $"'{entry}' is not an IP address or a subnet in CIDR form (for example 192.0.2.7, 10.0.0.0/8, ::1 or fd00::/8).",
            entry);

        private readonly struct Rule
        {
            private readonly byte[] _network;
            private readonly int _prefixLength;

            public Rule(byte[] network, int prefixLength)
            {
                _network = network;
                _prefixLength = prefixLength;
            }

            public bool Matches(byte[] address)
            {
                if (address.Length != _network.Length)
                {
                    return false;
                }

                int whole = _prefixLength / 8;
                for (int i = 0; i < whole; i++)
                {
                    if (address[i] != _network[i])
                    {
                        return false;
                    }
                }

                int rest = _prefixLength % 8;
                if (rest == 0)
                {
                    return true;
                }

                int mask = 0xFF << (8 - rest) & 0xFF;
                return (address[whole] & mask) == (_network[whole] & mask);
            }
        }
    }
}
