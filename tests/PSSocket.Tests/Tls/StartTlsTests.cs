using System;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>Start-SocketTls: a plaintext session turned to TLS in place, as SMTP, IMAP and the like do, on either side.</summary>
    public class StartTlsTests : CmdletTestBase
    {
        public StartTlsTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PS.SetVariable("serverCertificate", TestCertificates.Server);
        }

        /// <summary>Greets, waits for STARTTLS, answers with <paramref name="goAhead"/>, then does a TLS server handshake and echoes lines in upper case.</summary>
        /// <param name="later">Sent a moment after the go-ahead, so the client finds it in the kernel, not in its buffer.</param>
        private static LoopbackServer SmtpLikeServer(string goAhead = "220 go ahead\r\n", string? later = null) =>
            new LoopbackServer(async (socket, token) =>
            {
                await LoopbackServer.Send(socket, "220 mail.pssocket.test ESMTP\r\n", token);
                if (await LoopbackServer.ReadLine(socket, token) != "STARTTLS")
                {
                    await LoopbackServer.Send(socket, "500 expected STARTTLS\r\n", token);
                    return;
                }

                await LoopbackServer.Send(socket, goAhead, token);
                if (later != null)
                {
                    await Task.Delay(300, token);
                    await LoopbackServer.Send(socket, later, token);
                }

                using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
                await ssl.AuthenticateAsServerAsync(TestCertificates.Server, false, System.Security.Authentication.SslProtocols.None, false);
                await LoopbackServer.EchoLines(ssl, token);
            });

        [Fact]
        public void AClientSessionUpgradesInPlaceAfterThePlaintextExchange()
        {
            using LoopbackServer server = SmtpLikeServer();
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -Timeout 5000 -AddressFamily IPv4; " +
                "$s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Send-SocketData 'STARTTLS' -Line -LineEnding CrLf; $s | Receive-SocketData -Line -Timeout 5000; " +
                "$null -eq $s.Tls; " +
                "$s | Start-SocketTls -TrustedCertificate $ca -PassThru | Send-SocketData 'secret' -Line; " +
                "$s | Receive-SocketData -Line -Timeout 5000; $s.Tls").ThrowOnError();
            Assert.Equal(new object[] { "220 mail.pssocket.test ESMTP", "220 go ahead", true, "SECRET" }, result.Output.Take(4).Select(o => o.BaseObject));
            var tls = (TlsInfo)result.Output[4].BaseObject;
            Assert.Equal("localhost", tls.ServerName);
            Assert.True(tls.NameMatches);
            Assert.True(tls.ChainValid);
        }

        [Fact]
        public void PlaintextBytesStillUnreadRefuseTheUpgradeAndStayReadable()
        {
            // "250 INJECTED" arrives with the go-ahead, before TLS: the STARTTLS command injection that a client must not take for TLS data.
            using LoopbackServer server = SmtpLikeServer("220 go ahead\r\n250 INJECTED\r\n");
            ScriptResult refused = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -Timeout 5000 -AddressFamily IPv4; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Send-SocketData 'STARTTLS' -Line -LineEnding CrLf; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Start-SocketTls -TrustedCertificate $ca; $null -eq $s.Tls; $s.State.ToString(); $s | Receive-SocketData -Line -Timeout 5000");
            Assert.Equal(new[] { "TlsUnreadPlaintext" }, refused.ErrorIds);
            Assert.Equal(new object[] { true, "Connected", "250 INJECTED" }, refused.Output.Select(o => o.BaseObject));

            ScriptResult upgraded = PS.Run("$s | Start-SocketTls -TrustedCertificate $ca; $s | Send-SocketData 'after' -Line; $s | Receive-SocketData -Line -Timeout 5000").ThrowOnError();
            Assert.Equal("AFTER", upgraded.Output.Single().BaseObject);
        }

        [Fact]
        public void PlaintextStillInTheKernelRefusesTheUpgradeAndDiscardDropsIt()
        {
            using LoopbackServer server = SmtpLikeServer(later: "250 INJECTED\r\n");
            string reachGoAhead =
                $"$s = Connect-Socket localhost {server.Port} -Timeout 5000 -AddressFamily IPv4; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Send-SocketData 'STARTTLS' -Line -LineEnding CrLf; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$w = [Diagnostics.Stopwatch]::StartNew(); while ($s.Socket.Available -lt 14 -and $w.ElapsedMilliseconds -lt 5000) { [Threading.Thread]::Sleep(20) }; $s.BytesBuffered; ";
            ScriptResult refused = PS.Run(reachGoAhead + "$s | Start-SocketTls -TrustedCertificate $ca; $s.State.ToString()");
            Assert.Equal(new[] { "TlsUnreadPlaintext" }, refused.ErrorIds);
            Assert.Equal(new object[] { 0, "Connected" }, refused.Output.Select(o => o.BaseObject));

            ScriptResult upgraded = PS.Run("$s | Start-SocketTls -TrustedCertificate $ca -DiscardUnreadData; $s | Send-SocketData 'clean' -Line; $s | Receive-SocketData -Line -Timeout 5000").ThrowOnError();
            Assert.Equal("CLEAN", upgraded.Output.Single().BaseObject);
        }

        [Fact]
        public void DiscardUnreadDataDropsThePlaintextAndUpgrades()
        {
            using LoopbackServer server = SmtpLikeServer("220 go ahead\r\n250 INJECTED\r\n");
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -Timeout 5000 -AddressFamily IPv4; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Send-SocketData 'STARTTLS' -Line -LineEnding CrLf; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Start-SocketTls -TrustedCertificate $ca -DiscardUnreadData; $s | Send-SocketData 'clean' -Line; $s | Receive-SocketData -Line -Timeout 5000").ThrowOnError();
            Assert.Equal("CLEAN", result.Output.Single().BaseObject);
        }

        [Fact]
        public void AnAcceptedSessionUpgradesAsTheServerEvenWithAReadPendingFromATimeout()
        {
            PS.Run("$l = Start-SocketListener").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            Task<string> client = Task.Run(async () =>
            {
                using Socket socket = RawPeer.Connect(port);
                using var limit = new CancellationTokenSource(15_000);
                await LoopbackServer.Send(socket, "STARTTLS\r\n", limit.Token);
                string answer = await LoopbackServer.ReadLine(socket, limit.Token);
                await Task.Delay(1000); // the server's receive below times out first, and leaves its read pending
                using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (s, c, ch, e) => true);
                await ssl.AuthenticateAsClientAsync("localhost");
                await ssl.WriteAsync(Encoding.ASCII.GetBytes("over tls\n"), limit.Token);
                var reply = new byte[64];
                int n = await ssl.ReadAsync(reply, limit.Token);
                return answer + "|" + Encoding.ASCII.GetString(reply, 0, n);
            });

            ScriptResult result = PS.Run(
                "$c = $l | Wait-SocketConnection -Timeout 5000; $c | Receive-SocketData -Line -Timeout 5000; $c | Send-SocketData '220 go ahead' -Line -LineEnding CrLf; " +
                "$c | Receive-SocketData -Timeout 100 -ErrorAction SilentlyContinue -ErrorVariable timedOut; $timedOut[0].FullyQualifiedErrorId.Split(',')[0]; " +
                "$c | Start-SocketTls -Certificate $serverCertificate -Timeout 10000; $c | Receive-SocketData -Line -Timeout 5000; $c | Send-SocketData 'ack'; $c.Tls.IsServer").ThrowOnError();
            Assert.Equal(new object[] { "STARTTLS", "ReceiveTimedOut", "over tls", true }, result.Output.Select(o => o.BaseObject));
            Assert.Equal("220 go ahead|ack", client.Result);
        }

        [Fact]
        public void ASessionThatAlreadySpeaksTlsCannotStartItAgain()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run($"$s = Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000; $s | Start-SocketTls -TrustedCertificate $ca; $s.State.ToString()");
            Assert.Equal(new[] { "TlsAlreadyActive" }, result.ErrorIds);
            Assert.Equal("Connected", result.Output.Single().BaseObject);
        }

        [Fact]
        public void AFailedUpgradeClosesTheSession()
        {
            using LoopbackServer server = SmtpLikeServer();
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -Timeout 5000 -AddressFamily IPv4; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Send-SocketData 'STARTTLS' -Line -LineEnding CrLf; $null = $s | Receive-SocketData -Line -Timeout 5000; " +
                "$s | Start-SocketTls; $s.State.ToString()");
            Assert.Equal(new[] { "TlsUntrustedCertificate" }, result.ErrorIds);
            Assert.Equal("Closed", result.Output.Single().BaseObject);
        }

        [Fact]
        public void ASessionThatIsNotConnectedCannotStartTls()
        {
            Assert.Equal(new[] { "NotConnected" }, PS.Run("New-Socket | Start-SocketTls").ErrorIds);
        }
    }
}
