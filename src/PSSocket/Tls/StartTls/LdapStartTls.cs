using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>
    /// LDAP (RFC 4511 4.14): the StartTLS extended request (OID 1.3.6.1.4.1.1466.20037) as message 1, and its
    /// extended response, whose result code must be success (0).
    /// </summary>
    internal sealed class LdapStartTls : StartTlsDialogue
    {
        private const int MaximumResponse = 64 * 1024;

        // LDAPMessage { messageID 1, [APPLICATION 23] ExtendedRequest { [0] requestName "1.3.6.1.4.1.1466.20037" } }
        private static readonly byte[] Request = Build();

        public override string Name => "LDAP";

        protected override async Task UpgradeAsync(DialogueChannel channel)
        {
            await channel.WriteAsync(Request).ConfigureAwait(false);
            byte tag = await channel.ReadByteAsync().ConfigureAwait(false);
            if (tag != 0x30)
            {
                throw channel.Failed($"its answer starts with byte 0x{tag:x2}, not an LDAP message");
            }

            int length = await ReadLength(channel).ConfigureAwait(false);
            byte[] message = await channel.ReadBytesAsync(length).ConfigureAwait(false);
            var reader = new BerReader(message);
            if (!reader.Skip(0x02) || !reader.Enter(0x78) || !reader.ReadEnumerated(out int resultCode))
            {
                throw channel.Failed("its answer is not an LDAP extended response");
            }

            string diagnostic = reader.Skip(0x04) && reader.ReadOctets(0x04, out byte[] text) ? Encoding.UTF8.GetString(text) : string.Empty;
            switch (resultCode)
            {
                case 0:
                    return;
                case 2: // protocolError: the server does not know the StartTLS operation
                    throw channel.NotOffered($"result code 2 (protocolError) {diagnostic}".TrimEnd());
                default:
                    throw channel.Refused($"result code {resultCode} {diagnostic}".TrimEnd());
            }
        }

        private static async Task<int> ReadLength(DialogueChannel channel)
        {
            byte first = await channel.ReadByteAsync().ConfigureAwait(false);
            if (first < 0x80)
            {
                return first;
            }

            int count = first & 0x7f;
            if (count == 0 || count > 3)
            {
                throw channel.Failed("its answer has an unsupported BER length");
            }

            int length = 0;
            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | await channel.ReadByteAsync().ConfigureAwait(false);
            }

            if (length > MaximumResponse)
            {
                throw channel.Failed($"its answer claims {length} bytes");
            }

            return length;
        }

        private static byte[] Build()
        {
            byte[] oid = Encoding.ASCII.GetBytes("1.3.6.1.4.1.1466.20037");
            var message = new List<byte> { 0x30, (byte)(7 + oid.Length), 0x02, 0x01, 0x01, 0x77, (byte)(2 + oid.Length), 0x80, (byte)oid.Length };
            message.AddRange(oid);
            return message.ToArray();
        }
    }
}
