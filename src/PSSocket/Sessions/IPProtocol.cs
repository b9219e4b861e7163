using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The IP protocol of a raw session: the number in the IPv4 header's Protocol field (IPv6: Next Header), 0 to
    /// 255, with its IANA keyword where it has one of the common ones (Icmp is 1, IcmpV6 58).
    /// </summary>
    public sealed class IPProtocol : IEquatable<IPProtocol>
    {
        private static readonly Dictionary<string, byte> Known = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase)
        {
            ["Icmp"] = 1,
            ["Igmp"] = 2,
            ["IPv4"] = 4,
            ["Tcp"] = 6,
            ["Udp"] = 17,
            ["IPv6"] = 41,
            ["Gre"] = 47,
            ["Esp"] = 50,
            ["Ah"] = 51,
            ["IcmpV6"] = 58,
            ["Ospf"] = 89,
            ["Pim"] = 103,
            ["Vrrp"] = 112,
            ["Sctp"] = 132,
            ["Raw"] = 255,
        };

        public IPProtocol(byte number)
        {
            Number = number;
            Name = Known.FirstOrDefault(k => k.Value == number).Key ?? number.ToString(CultureInfo.InvariantCulture);
        }

        public static readonly IPProtocol Icmp = new IPProtocol(1);

        public static readonly IPProtocol IcmpV6 = new IPProtocol(58);

        /// <summary>The keywords taken by name, for completion and messages.</summary>
        public static IEnumerable<string> Names => Known.Keys;

        public byte Number { get; }

        /// <summary>Its keyword (Icmp, IcmpV6, ...), or the number for one without a keyword here.</summary>
        public string Name { get; }

        /// <summary>A keyword (any case) or a number from 0 to 255; null with <paramref name="problem"/> set otherwise.</summary>
        public static IPProtocol? TryParse(string text, out string? problem)
        {
            problem = null;
            text = text.Trim();
            if (Known.TryGetValue(text, out byte known))
            {
                return new IPProtocol(known);
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number))
            {
                return FromNumber(number, out problem);
            }

            problem = $"'{text}' is not an IP protocol: give a number from 0 to 255 or one of {string.Join(", ", Names)}.";
            return null;
        }

        public static IPProtocol? FromNumber(long number, out string? problem)
        {
            problem = number < 0 || number > 255 ? $"{number} is not an IP protocol number: they run from 0 to 255." : null;
            return problem == null ? new IPProtocol((byte)number) : null;
        }

        public bool Equals(IPProtocol? other) => other != null && other.Number == Number;

        public override bool Equals(object? obj) => Equals(obj as IPProtocol);

        public override int GetHashCode() => Number;

        public override string ToString() => Name;
    }
}
