using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>PostgreSQL: the SSLRequest message (length 8, code 80877103); the server answers S (go on with TLS) or N (no TLS here).</summary>
    internal sealed class PostgresStartTls : StartTlsDialogue
    {
        private static readonly byte[] SslRequest = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };

        public override string Name => "PostgreSQL";

        protected override async Task UpgradeAsync(DialogueChannel channel)
        {
            await channel.WriteAsync(SslRequest).ConfigureAwait(false);
            byte answer = await channel.ReadByteAsync().ConfigureAwait(false);
            switch (answer)
            {
                case (byte)'S':
                    return;
                case (byte)'N':
                    throw channel.NotOffered("it answered the SSLRequest with N (ssl is off)");
                case (byte)'E':
                    throw channel.Refused("an ErrorResponse to the SSLRequest");
                default:
                    throw channel.Failed($"it answered the SSLRequest with byte 0x{answer:x2}, not S or N");
            }
        }
    }
}
