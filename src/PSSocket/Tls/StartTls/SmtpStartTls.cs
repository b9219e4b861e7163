using System;
using System.Linq;
using System.Threading.Tasks;

namespace PSSocket.Tls.StartTls
{
    /// <summary>SMTP (RFC 3207): the 220 greeting, EHLO, STARTTLS among the extensions, then STARTTLS and its 220.</summary>
    internal sealed class SmtpStartTls : StartTlsDialogue
    {
        public override string Name => "SMTP";

        protected override async Task UpgradeAsync(DialogueChannel channel)
        {
            NumericReply greeting = await NumericReply.ReadAsync(channel).ConfigureAwait(false);
            if (greeting.Code != 220)
            {
                throw channel.Failed($"its greeting is '{greeting.First}', not 220");
            }

            await channel.WriteAsync("EHLO " + ClientName() + "\r\n").ConfigureAwait(false);
            NumericReply hello = await NumericReply.ReadAsync(channel).ConfigureAwait(false);
            if (hello.Code != 250)
            {
                throw channel.NotOffered($"it answered EHLO with '{hello.First}'");
            }

            if (!hello.Lines.Skip(1).Any(l => l.Length > 4 && l.Substring(4).Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
            {
                throw channel.NotOffered($"STARTTLS is not among its EHLO extensions ({string.Join(", ", hello.Lines.Skip(1).Select(l => l.Length > 4 ? l.Substring(4) : l))})");
            }

            await channel.WriteAsync("STARTTLS\r\n").ConfigureAwait(false);
            NumericReply answer = await NumericReply.ReadAsync(channel).ConfigureAwait(false);
            if (answer.Code != 220)
            {
                throw channel.Refused(answer.First);
            }
        }

        /// <summary>The name EHLO gives: this machine's, which servers log; an address literal when it has none.</summary>
        private static string ClientName()
        {
            string name = Environment.MachineName;
            return string.IsNullOrEmpty(name) ? "[127.0.0.1]" : name.ToLowerInvariant();
        }
    }
}
