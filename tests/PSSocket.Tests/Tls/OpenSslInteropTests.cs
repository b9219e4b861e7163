using System.IO;
using System.Linq;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// The module against OpenSSL's own client and server, both ways: Connect-Socket -UseTls to openssl s_server,
    /// openssl s_client to Start-SocketListener -Certificate, mutual TLS, and s_client -starttls smtp against a
    /// session upgraded with Start-SocketTls. Each openssl runs on a free loopback port, within a time limit, and is
    /// killed by its process id at the end.
    /// </summary>
    public class OpenSslInteropTests : CmdletTestBase
    {
        private const int ExitLimitMs = 15_000;

        public OpenSslInteropTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PS.SetVariable("serverCertificate", TestCertificates.Server);
            PS.SetVariable("clientCertificate", TestCertificates.Client);
        }

        [OpenSslFact]
        public void TheModuleTalksToOpenSslServer()
        {
            int port = OpenSsl.FreePort();
            using OpenSsl server = OpenSsl.Start("s_server", "-accept", $"127.0.0.1:{port}", "-cert", "server.pem", "-key", "server.key", "-naccept", "1", "-rev");
            server.WaitForListener(port);

            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {port} -UseTls -TrustedCertificate $ca -Timeout 10000 -AddressFamily IPv4; " +
                "$s | Send-SocketData 'hello openssl' -Line; $s | Receive-SocketData -Line -Timeout 10000; $s.Tls; $s | Close-Socket").ThrowOnError();

            Assert.Equal("lssnepo olleh", result.Output[0].BaseObject);
            var tls = (TlsInfo)result.Output[1].BaseObject;
            Assert.Equal("Tls13", tls.Protocol);
            Assert.Equal("CN=localhost", tls.Subject);
            Assert.True(tls.ChainValid);
            Assert.True(server.WaitForExit(ExitLimitMs), "s_server did not exit after its one connection closed");
            Assert.Contains("CONNECTION ESTABLISHED", server.Output + server.Errors);
        }

        [OpenSslFact]
        public void TheModuleSendsAClientCertificateToAnOpenSslServerThatRequiresOne()
        {
            int port = OpenSsl.FreePort();
            using OpenSsl server = OpenSsl.Start(
                "s_server", "-accept", $"127.0.0.1:{port}", "-cert", "server.pem", "-key", "server.key", "-naccept", "1", "-rev",
                "-Verify", "1", "-CAfile", "ca.pem", "-verify_return_error", "-tls1_2");
            server.WaitForListener(port);

            ScriptResult result = PS.Run(
                $"$s = Connect-Socket 127.0.0.1 {port} -UseTls -TrustedCertificate $ca -ClientCertificate $clientCertificate -Timeout 10000; " +
                "$s | Send-SocketData 'mutual' -Line; $s | Receive-SocketData -Line -Timeout 10000; $s.Tls.Protocol; $s.Tls.IsMutuallyAuthenticated; $s | Close-Socket").ThrowOnError();

            Assert.Equal(new object[] { "lautum", "Tls12", true }, result.Output.Select(o => o.BaseObject));
            Assert.True(server.WaitForExit(ExitLimitMs));
        }

        [OpenSslFact]
        public void OpenSslClientTalksToTheModulesTlsListener()
        {
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            using OpenSsl client = OpenSsl.Start(
                "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-CAfile", "ca.pem", "-verify_return_error", "-verify_hostname", "localhost", "-quiet");
            client.WriteInput("hello from openssl\n");

            ScriptResult result = PS.Run(
                "$c = $l | Wait-SocketConnection -Timeout 10000; $c | Receive-SocketData -Line -Timeout 10000; " +
                "$c | Send-SocketData 'HELLO BACK' -Line; $c.Tls.Protocol; $c | Close-Socket").ThrowOnError();

            Assert.Equal(new object[] { "hello from openssl", "Tls13" }, result.Output.Select(o => o.BaseObject));
            Assert.True(client.WaitForExit(ExitLimitMs), "s_client did not exit after the module closed: " + client.Errors);
            Assert.Contains("HELLO BACK", client.Output);
            Assert.Equal(0, client.ExitCode);
        }

        [OpenSslFact]
        public void TheModulesListenerVerifiesAnOpenSslClientCertificate()
        {
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate -RequireClientCertificate -TrustedCertificate $ca").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            using OpenSsl client = OpenSsl.Start(
                "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-CAfile", "ca.pem", "-cert", "client.pem", "-key", "client.key", "-quiet");
            client.WriteInput("with certificate\n");

            ScriptResult result = PS.Run(
                "$c = $l | Wait-SocketConnection -Timeout 10000; $c | Receive-SocketData -Line -Timeout 10000; $c.Tls.Subject; $c | Close-Socket").ThrowOnError();

            Assert.Equal(new object[] { "with certificate", "CN=pssocket-client" }, result.Output.Select(o => o.BaseObject));
            Assert.True(client.WaitForExit(ExitLimitMs));
        }

        [OpenSslFact]
        public void OpenSslStartTlsSmtpUpgradesAnAcceptedSession()
        {
            PS.Run("$l = Start-SocketListener").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            using OpenSsl client = OpenSsl.Start(
                "s_client", "-connect", $"127.0.0.1:{port}", "-starttls", "smtp", "-servername", "localhost", "-CAfile", "ca.pem", "-verify_return_error", "-quiet");
            client.WriteInput("DATA OVER TLS\n");

            ScriptResult result = PS.Run(
                "$c = $l | Wait-SocketConnection -Timeout 10000; " +
                "$c | Send-SocketData '220 pssocket.test ESMTP' -Line -LineEnding CrLf; " +
                "$c | Receive-SocketData -Line -Timeout 10000; " +
                "$c | Send-SocketData '250-pssocket.test', '250 STARTTLS' -Line -LineEnding CrLf; " +
                "$c | Receive-SocketData -Line -Timeout 10000; " +
                "$c | Send-SocketData '220 go ahead' -Line -LineEnding CrLf; " +
                "$c | Start-SocketTls -Certificate $serverCertificate -Timeout 10000; " +
                "$c | Receive-SocketData -Line -Timeout 10000; $c | Send-SocketData '250 OK' -Line -LineEnding CrLf; $c.Tls.Protocol; $c | Close-Socket").ThrowOnError();

            Assert.StartsWith("EHLO ", (string)result.Output[0].BaseObject);
            Assert.Equal(new object[] { "STARTTLS", "DATA OVER TLS", "Tls13" }, result.Output.Skip(1).Select(o => o.BaseObject));
            Assert.True(client.WaitForExit(ExitLimitMs));
            Assert.Contains("250 OK", client.Output);
        }

        [OpenSslFact]
        public void OpenSslIsThereUnderCi()
        {
            Assert.True(OpenSsl.IsInstalled, "openssl is not installed; .ci/run installs it.");
            Assert.True(File.Exists(Path.Combine(TestCertificates.Directory, "ca.pem")));
        }
    }
}
