using System;
using System.Net;

namespace PSSocket.Framing
{
    /// <summary>
    /// The IPv4 header in front of what a raw IPv4 socket receives. The session strips it, so a Raw datagram's Data
    /// is the IP payload over IPv4 and IPv6 alike, and keeps its facts here (SocketDatagram.IPHeader).
    /// </summary>
    public sealed class IPv4Header
    {
        private const int MinimumLength = 20;

        private readonly byte[] _bytes;

        private IPv4Header(byte[] bytes)
        {
            _bytes = bytes;
        }

        /// <summary>The header's length in bytes (20 without options, up to 60).</summary>
        public int HeaderLength => _bytes.Length;

        /// <summary>The DSCP and ECN byte (formerly type of service).</summary>
        public byte TypeOfService => _bytes[1];

        /// <summary>The Total Length field as the system left it (Linux: header and payload, in bytes).</summary>
        public int TotalLength => (_bytes[2] << 8) | _bytes[3];

        public int Identification => (_bytes[4] << 8) | _bytes[5];

        public bool DontFragment => (_bytes[6] & 0x40) != 0;

        public bool MoreFragments => (_bytes[6] & 0x20) != 0;

        /// <summary>In 8-byte units, as in the header.</summary>
        public int FragmentOffset => ((_bytes[6] & 0x1F) << 8) | _bytes[7];

        public byte TimeToLive => _bytes[8];

        /// <summary>The IP protocol number (1 for ICMP).</summary>
        public byte Protocol => _bytes[9];

        public int Checksum => (_bytes[10] << 8) | _bytes[11];

        public IPAddress Source => new IPAddress(Slice(12, 4));

        public IPAddress Destination => new IPAddress(Slice(16, 4));

        /// <summary>The header's bytes, options included.</summary>
        public byte[] GetBytes() => (byte[])_bytes.Clone();

        public override string ToString() => $"{Source} -> {Destination} TTL {TimeToLive} protocol {Protocol}";

        /// <summary>The header at the start of a received packet; null when the bytes do not start with a whole IPv4 header.</summary>
        internal static IPv4Header? Read(byte[] packet, int count)
        {
            if (count < MinimumLength || packet[0] >> 4 != 4)
            {
                return null;
            }

            int length = (packet[0] & 0x0F) * 4;
            if (length < MinimumLength || length > count)
            {
                return null;
            }

            var bytes = new byte[length];
            Buffer.BlockCopy(packet, 0, bytes, 0, length);
            return new IPv4Header(bytes);
        }

        private byte[] Slice(int offset, int count)
        {
            var part = new byte[count];
            Buffer.BlockCopy(_bytes, offset, part, 0, count);
            return part;
        }
    }
}
