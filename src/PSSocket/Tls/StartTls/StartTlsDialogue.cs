using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Threading;

namespace PSSocket.Tls.StartTls
{
    /// <summary>One protocol's plaintext dialogue that asks the server to start TLS; the handshake follows on the same stream.</summary>
    internal abstract class StartTlsDialogue
    {
        public abstract string Name { get; }

        public static StartTlsDialogue For(StartTlsProtocol protocol) => protocol switch
        {
            StartTlsProtocol.Smtp => new SmtpStartTls(),
            StartTlsProtocol.Imap => new ImapStartTls(),
            StartTlsProtocol.Pop3 => new Pop3StartTls(),
            StartTlsProtocol.Ftp => new FtpStartTls(),
            StartTlsProtocol.Postgres => new PostgresStartTls(),
            StartTlsProtocol.Ldap => new LdapStartTls(),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Off has no dialogue."),
        };

        /// <summary>
        /// Runs the dialogue; on return the server waits for the TLS hello. Failures are SocketSessionExceptions
        /// with StartTlsNotOffered, StartTlsRefused or StartTlsFailed.
        /// </summary>
        public async Task RunAsync(Stream stream, string peer, Deadline deadline, CancellationToken cancellationToken)
        {
            var channel = new DialogueChannel(stream, Name, peer, deadline, cancellationToken);
            await UpgradeAsync(channel).ConfigureAwait(false);
            channel.EnsureNothingUnread();
        }

        /// <summary>The same, waited for on the calling thread (Connect-Socket), which Ctrl+C wakes at once.</summary>
        public void Run(Stream stream, string peer, Deadline deadline, CancellationToken cancellationToken) =>
            TaskWaiter.Result(Finished(RunAsync(stream, peer, deadline, cancellationToken)), cancellationToken);

        private static async Task<bool> Finished(Task dialogue)
        {
            await dialogue.ConfigureAwait(false);
            return true;
        }

        protected abstract Task UpgradeAsync(DialogueChannel channel);
    }
}
