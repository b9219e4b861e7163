using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Threading;
using PSSocket.Tls.StartTls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>Each protocol's STARTTLS dialogue against a scripted peer: the upgrade accepted, not offered, refused, or broken.</summary>
    public class StartTlsDialogueTests
    {
        // Generous: a busy machine with a starved thread pool must not turn a slow answer into a failed dialogue.
        private static string? Run(StartTlsProtocol protocol, LoopbackServer server, int timeout = 15_000)
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, server.Port);
            try
            {
                StartTlsDialogue.For(protocol).Run(client.GetStream(), $"127.0.0.1:{server.Port}", Deadline.After(timeout), CancellationToken.None);
                return null;
            }
            catch (SocketSessionException e)
            {
                return e.ErrorId;
            }
        }

        private static string? Smtp(ConcurrentQueue<string> received, params string[] script)
        {
            using LoopbackServer server = ScriptedPeer.Start(received, script);
            return Run(StartTlsProtocol.Smtp, server);
        }

        [Fact]
        public void SmtpUpgradesWhenEhloOffersStartTls()
        {
            var received = new ConcurrentQueue<string>();
            using LoopbackServer server = ScriptedPeer.Start(
                received, "> 220-mail.test ESMTP", "> 220 more greeting", "<", "> 250-mail.test", "> 250-SIZE 1000", "> 250 STARTTLS", "<", "> 220 2.0.0 Ready to start TLS");

            Assert.Null(Run(StartTlsProtocol.Smtp, server));
            Assert.StartsWith("EHLO ", received.ElementAt(0));
            Assert.Equal("STARTTLS", received.ElementAt(1));
        }

        [Fact]
        public void SmtpTellsNotOfferedRefusedAndBroken()
        {
            var received = new ConcurrentQueue<string>();
            Assert.Equal(ErrorIds.StartTlsNotOffered, Smtp(received, "> 220 mail.test", "<", "> 250-mail.test", "> 250 8BITMIME"));
            Assert.Equal(ErrorIds.StartTlsRefused, Smtp(received, "> 220 mail.test", "<", "> 250-mail.test", "> 250 STARTTLS", "<", "> 454 4.7.0 TLS not available"));
            Assert.Equal(ErrorIds.StartTlsFailed, Smtp(received, "> 554 go away"));
            Assert.Equal(ErrorIds.StartTlsFailed, Smtp(received, "> 220 mail.test", "<", "> 250-mail.test", "> 250 STARTTLS", "<", "> 220 go ahead\r\n250 injected"));
        }

        [Fact]
        public void ImapUpgradesAfterCapabilityAndTellsTheFailures()
        {
            var received = new ConcurrentQueue<string>();
            using LoopbackServer ok = ScriptedPeer.Start(received, "> * OK IMAP ready", "<", "> * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED", "> a1 OK done", "<", "> a2 OK Begin TLS");
            Assert.Null(Run(StartTlsProtocol.Imap, ok));
            Assert.Equal(new[] { "a1 CAPABILITY", "a2 STARTTLS" }, received.ToArray());

            using LoopbackServer none = ScriptedPeer.Start(received, "> * OK IMAP ready", "<", "> * CAPABILITY IMAP4rev1 AUTH=PLAIN", "> a1 OK done");
            Assert.Equal(ErrorIds.StartTlsNotOffered, Run(StartTlsProtocol.Imap, none));

            using LoopbackServer no = ScriptedPeer.Start(received, "> * OK IMAP ready", "<", "> * CAPABILITY IMAP4rev1 STARTTLS", "> a1 OK done", "<", "> a2 NO not now");
            Assert.Equal(ErrorIds.StartTlsRefused, Run(StartTlsProtocol.Imap, no));

            using LoopbackServer bye = ScriptedPeer.Start(received, "> * BYE too busy");
            Assert.Equal(ErrorIds.StartTlsFailed, Run(StartTlsProtocol.Imap, bye));
        }

        [Fact]
        public void Pop3UpgradesAfterCapaAndTellsTheFailures()
        {
            var received = new ConcurrentQueue<string>();
            using LoopbackServer ok = ScriptedPeer.Start(received, "> +OK POP3 ready", "<", "> +OK list follows", "> USER", "> STLS", "> .", "<", "> +OK Begin TLS");
            Assert.Null(Run(StartTlsProtocol.Pop3, ok));
            Assert.Equal(new[] { "CAPA", "STLS" }, received.ToArray());

            using LoopbackServer none = ScriptedPeer.Start(received, "> +OK POP3 ready", "<", "> +OK list follows", "> USER", "> .");
            Assert.Equal(ErrorIds.StartTlsNotOffered, Run(StartTlsProtocol.Pop3, none));

            using LoopbackServer refused = ScriptedPeer.Start(received, "> +OK POP3 ready", "<", "> +OK", "> STLS", "> .", "<", "> -ERR not now");
            Assert.Equal(ErrorIds.StartTlsRefused, Run(StartTlsProtocol.Pop3, refused));
        }

        [Fact]
        public void FtpUpgradesWithAuthTlsAndTellsTheFailures()
        {
            var received = new ConcurrentQueue<string>();
            using LoopbackServer ok = ScriptedPeer.Start(received, "> 220 (vsFTPd 3.0.3)", "<", "> 211-Features:", ">  AUTH TLS", ">  PASV", "> 211 End", "<", "> 234 Proceed with negotiation.");
            Assert.Null(Run(StartTlsProtocol.Ftp, ok));
            Assert.Equal(new[] { "FEAT", "AUTH TLS" }, received.ToArray());

            using LoopbackServer none = ScriptedPeer.Start(received, "> 220 ftp", "<", "> 211-Features:", ">  PASV", "> 211 End");
            Assert.Equal(ErrorIds.StartTlsNotOffered, Run(StartTlsProtocol.Ftp, none));

            using LoopbackServer noFeat = ScriptedPeer.Start(received, "> 220 ftp", "<", "> 502 unknown", "<", "> 530 Please login with USER and PASS.");
            Assert.Equal(ErrorIds.StartTlsRefused, Run(StartTlsProtocol.Ftp, noFeat));
        }

        [Fact]
        public void PostgresSendsTheSslRequestAndReadsTheAnswer()
        {
            var received = new ConcurrentQueue<byte[]>();
            using LoopbackServer yes = ScriptedPeer.Binary(8, new[] { (byte)'S' }, received);
            Assert.Null(Run(StartTlsProtocol.Postgres, yes));
            Assert.Equal(new byte[] { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f }, received.Single());

            using LoopbackServer no = ScriptedPeer.Binary(8, new[] { (byte)'N' }, received);
            Assert.Equal(ErrorIds.StartTlsNotOffered, Run(StartTlsProtocol.Postgres, no));
        }

        [Fact]
        public void LdapSendsTheExtendedRequestAndReadsTheResultCode()
        {
            var received = new ConcurrentQueue<byte[]>();
            using LoopbackServer yes = ScriptedPeer.Binary(31, LdapResponse(0, ""), received);
            Assert.Null(Run(StartTlsProtocol.Ldap, yes));
            byte[] request = received.Single();
            Assert.Equal(new byte[] { 0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16 }, request.Take(9));
            Assert.Equal("1.3.6.1.4.1.1466.20037", Encoding.ASCII.GetString(request, 9, 22));

            using LoopbackServer unknown = ScriptedPeer.Binary(31, LdapResponse(2, "unsupported extended operation"), received);
            Assert.Equal(ErrorIds.StartTlsNotOffered, Run(StartTlsProtocol.Ldap, unknown));

            using LoopbackServer unavailable = ScriptedPeer.Binary(31, LdapResponse(52, "Could not initialize TLS"), received);
            Assert.Equal(ErrorIds.StartTlsRefused, Run(StartTlsProtocol.Ldap, unavailable));
        }

        [Fact]
        public void ASilentServerFailsWithinTheTimeout()
        {
            using LoopbackServer silent = ScriptedPeer.Start(new ConcurrentQueue<string>());
            Assert.Equal(ErrorIds.StartTlsFailed, Run(StartTlsProtocol.Smtp, silent, timeout: 300));
        }

        /// <summary>LDAPMessage { 1, [APPLICATION 24] ExtendedResponse { resultCode, matchedDN "", diagnosticMessage } }.</summary>
        private static byte[] LdapResponse(int resultCode, string diagnostic)
        {
            byte[] text = Encoding.ASCII.GetBytes(diagnostic);
            var body = new byte[] { 0x0a, 0x01, (byte)resultCode, 0x04, 0x00, 0x04, (byte)text.Length }.Concat(text).ToArray();
            var response = new byte[] { 0x02, 0x01, 0x01, 0x78, (byte)body.Length }.Concat(body).ToArray();
            return new byte[] { 0x30, (byte)response.Length }.Concat(response).ToArray();
        }
    }
}
