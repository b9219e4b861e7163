using System;
using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>IMAP (RFC 3501): the * OK greeting, CAPABILITY listing STARTTLS, then STARTTLS and its tagged OK.</summary>
    internal sealed class ImapStartTls : StartTlsDialogue
    {
        private const int MaximumUntagged = 100;

        public override string Name => "IMAP";

        protected override async Task UpgradeAsync(DialogueChannel channel)
        {
            string greeting = await channel.ReadLineAsync().ConfigureAwait(false);
            if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase))
            {
                throw greeting.StartsWith("* PREAUTH", StringComparison.OrdinalIgnoreCase)
                    ? channel.NotOffered("the connection is pre-authenticated, where STARTTLS is not allowed")
                    : channel.Failed($"its greeting is '{greeting}', not * OK");
            }

            await channel.WriteAsync("a1 CAPABILITY\r\n").ConfigureAwait(false);
            bool offered = false;
            string capabilities = string.Empty;
            string done = await ReadUntilTagged(channel, "a1", line =>
            {
                if (line.StartsWith("* CAPABILITY", StringComparison.OrdinalIgnoreCase))
                {
                    capabilities = line.Substring(2);
                    offered |= (" " + line + " ").IndexOf(" STARTTLS ", StringComparison.OrdinalIgnoreCase) >= 0;
                }
            }).ConfigureAwait(false);
            if (!offered)
            {
                throw channel.NotOffered(capabilities.Length > 0 ? $"STARTTLS is not among its capabilities ({capabilities})" : $"it answered CAPABILITY with '{done}'");
            }

            await channel.WriteAsync("a2 STARTTLS\r\n").ConfigureAwait(false);
            string answer = await ReadUntilTagged(channel, "a2", line => { }).ConfigureAwait(false);
            if (!answer.StartsWith("a2 OK", StringComparison.OrdinalIgnoreCase))
            {
                throw channel.Refused(answer);
            }
        }

        /// <summary>Reads untagged lines (bounded in number) up to the one tagged <paramref name="tag"/>, and returns it.</summary>
        private static async Task<string> ReadUntilTagged(DialogueChannel channel, string tag, Action<string> untagged)
        {
            for (int i = 0; i < MaximumUntagged; i++)
            {
                string line = await channel.ReadLineAsync().ConfigureAwait(false);
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    return line;
                }

                untagged(line);
            }

            throw channel.Failed($"no answer tagged {tag} in {MaximumUntagged} lines");
        }
    }
}
