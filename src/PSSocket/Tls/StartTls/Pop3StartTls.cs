using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>POP3 (RFC 2595): the +OK greeting, CAPA listing STLS (where the server has CAPA), then STLS and its +OK.</summary>
    internal sealed class Pop3StartTls : StartTlsDialogue
    {
        private const int MaximumCapabilities = 100;

        public override string Name => "POP3";

        protected override async Task UpgradeAsync(DialogueChannel channel)
        {
            string greeting = await channel.ReadLineAsync().ConfigureAwait(false);
            if (!greeting.StartsWith("+OK", StringComparison.Ordinal))
            {
                throw channel.Failed($"its greeting is '{greeting}', not +OK");
            }

            await channel.WriteAsync("CAPA\r\n").ConfigureAwait(false);
            string capa = await channel.ReadLineAsync().ConfigureAwait(false);
            if (capa.StartsWith("+OK", StringComparison.Ordinal))
            {
                List<string> capabilities = await ReadList(channel).ConfigureAwait(false);
                if (!capabilities.Exists(c => c.Trim().Equals("STLS", StringComparison.OrdinalIgnoreCase)))
                {
                    throw channel.NotOffered($"STLS is not among its capabilities ({string.Join(", ", capabilities)})");
                }
            }

            // A server without CAPA (-ERR) may still know STLS: its answer decides.
            await channel.WriteAsync("STLS\r\n").ConfigureAwait(false);
            string answer = await channel.ReadLineAsync().ConfigureAwait(false);
            if (!answer.StartsWith("+OK", StringComparison.Ordinal))
            {
                throw capa.StartsWith("+OK", StringComparison.Ordinal) ? channel.Refused(answer) : channel.NotOffered($"it answered CAPA and STLS with '{capa}' and '{answer}'");
            }
        }

        /// <summary>The lines of a multi-line answer, up to the lone ".".</summary>
        private static async Task<List<string>> ReadList(DialogueChannel channel)
        {
            var lines = new List<string>();
            for (int i = 0; i < MaximumCapabilities; i++)
            {
                string line = await channel.ReadLineAsync().ConfigureAwait(false);
                if (line == ".")
                {
                    return lines;
                }

                lines.Add(line);
            }

            throw channel.Failed($"its CAPA list ran past {MaximumCapabilities} lines");
        }
    }
}
