using System;
using System.Linq;
using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>FTP (RFC 4217): the 220 greeting, FEAT listing AUTH TLS (where the server has FEAT), then AUTH TLS and its 234.</summary>
    internal sealed class FtpStartTls : StartTlsDialogue
    {
        public override string Name => "FTP";

        protected override async Task UpgradeAsync(DialogueChannel channel)
        {
            NumericReply greeting = await NumericReply.ReadAsync(channel).ConfigureAwait(false);
            if (greeting.Code != 220)
            {
                throw channel.Failed($"its greeting is '{greeting.First}', not 220");
            }

            await channel.WriteAsync("FEAT\r\n").ConfigureAwait(false);
            NumericReply features = await NumericReply.ReadAsync(channel).ConfigureAwait(false);
            if (features.Code == 211 && !features.Lines.Any(l => l.Trim().StartsWith("AUTH", StringComparison.OrdinalIgnoreCase) && l.IndexOf("TLS", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                throw channel.NotOffered($"AUTH TLS is not among its FEAT features ({string.Join(", ", features.Lines.Skip(1).Take(features.Lines.Count - 2).Select(l => l.Trim()))})");
            }

            // A server without FEAT (500, 502) may still know AUTH TLS: its answer decides.
            await channel.WriteAsync("AUTH TLS\r\n").ConfigureAwait(false);
            NumericReply answer = await NumericReply.ReadAsync(channel).ConfigureAwait(false);
            if (answer.Code == 234)
            {
                return;
            }

            throw answer.Code == 500 || answer.Code == 502 || answer.Code == 504
                ? channel.NotOffered($"it answered AUTH TLS with '{answer.First}'")
                : channel.Refused(answer.First);
        }
    }
}
