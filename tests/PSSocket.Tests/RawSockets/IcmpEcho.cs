using System;
using System.Linq;

namespace PSSocket.Tests.RawSockets
{
    /// <summary>ICMP and ICMPv6 echo messages built and checked byte by byte, as a ping does.</summary>
    internal static class IcmpEcho
    {
        public static byte Request(bool v6) => v6 ? (byte)128 : (byte)8;

        public static byte Reply(bool v6) => v6 ? (byte)129 : (byte)0;

        /// <summary>An echo request; the ICMP (IPv4) checksum is filled in, ICMPv6's is left to the system.</summary>
        public static byte[] NewRequest(bool v6, ushort identifier, ushort sequence, byte[] payload)
        {
            var message = new byte[8 + payload.Length];
            message[0] = Request(v6);
            message[4] = (byte)(identifier >> 8);
            message[5] = (byte)identifier;
            message[6] = (byte)(sequence >> 8);
            message[7] = (byte)sequence;
            Buffer.BlockCopy(payload, 0, message, 8, payload.Length);
            if (!v6)
            {
                ushort checksum = Checksum(message);
                message[2] = (byte)(checksum >> 8);
                message[3] = (byte)checksum;
            }

            return message;
        }

        public static bool IsReplyTo(bool v6, byte[] message, ushort identifier, ushort sequence) =>
            message.Length >= 8 && message[0] == Reply(v6)
            && ((message[4] << 8) | message[5]) == identifier && ((message[6] << 8) | message[7]) == sequence;

        /// <summary>RFC 1071: 0 over a message whose checksum field is right.</summary>
        public static ushort Checksum(byte[] message)
        {
            long sum = 0;
            for (int i = 0; i < message.Length; i += 2)
            {
                sum += (message[i] << 8) | (i + 1 < message.Length ? message[i + 1] : 0);
            }

            while ((sum >> 16) != 0)
            {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }

            return (ushort)~sum;
        }

        public static byte[] PayloadOf(byte[] message) => message.Skip(8).ToArray();
    }
}
