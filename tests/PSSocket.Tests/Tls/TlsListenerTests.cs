using System;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>Start-SocketListener -Certificate: every accepted connection does a server handshake; every receive mode works over it.</summary>
    public class TlsListenerTests : CmdletTestBase
    {
        public TlsListenerTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PS.SetVariable("serverCertificate", TestCertificates.Server);
        }

        /// <summary>A .NET TLS client on a background task: connects, checks the server's certificate against the test CA, then runs <paramref name="conversation"/>.</summary>
        private static Task<string> DotNetClient(int port, Func<SslStream, Task<string>> conversation, X509Certificate2? clientCertificate = null) =>
            Task.Run(async () =>
            {
                Socket socket = RawPeer.Connect(port);
                using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
                var options = new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    RemoteCertificateValidationCallback = (s, certificate, chain, errors) =>
                        certificate != null && new X509Certificate2(certificate).Thumbprint == TestCertificates.Server.Thumbprint && errors == SslPolicyErrors.RemoteCertificateChainErrors,
                };
                if (clientCertificate != null)
                {
                    options.ClientCertificates = new X509CertificateCollection { clientCertificate };
                }

                await ssl.AuthenticateAsClientAsync(options).WaitAsync(TimeSpan.FromSeconds(10));
                return await conversation(ssl).WaitAsync(TimeSpan.FromSeconds(10));
            });

        private static async Task<string> ReadToEnd(Stream stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }

        [Fact]
        public void EveryReceiveModeWorksOnAnAcceptedTlsConnection()
        {
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            Task<string> client = DotNetClient(port, async ssl =>
            {
                await ssl.WriteAsync(Encoding.UTF8.GetBytes("alpha\r\nbeta\nrec1;rec2;12345"));
                await Task.Delay(50);
                await ssl.WriteAsync(Encoding.UTF8.GetBytes("äöü rest"));
                await ssl.ShutdownAsync();
                return await ReadToEnd(ssl);
            });

            ScriptResult result = PS.Run(
                "$c = $l | Wait-SocketConnection -Timeout 10000; " +
                "$c | Receive-SocketData -Line -Timeout 5000; $c | Receive-SocketData -Line -Timeout 5000; " +
                "$c | Receive-SocketData -Delimiter ';' -Timeout 5000; $c | Receive-SocketData -Delimiter ';' -Timeout 5000; " +
                "$c | Receive-SocketData -Count 5 -Timeout 5000; $c | Receive-SocketData -ToEnd -Timeout 5000; " +
                "$c | Send-SocketData -Data ('done', [byte[]](33, 10)); $c.Tls; $c | Close-Socket").ThrowOnError();

            Assert.Equal(new object[] { "alpha", "beta", "rec1", "rec2", "12345", "äöü rest" }, result.Output.Take(6).Select(o => o.BaseObject));
            var tls = (TlsInfo)result.Output[6].BaseObject;
            Assert.True(tls.IsServer);
            Assert.Equal("Tls13", tls.Protocol);
            Assert.Null(tls.Subject);
            Assert.Null(tls.ServerName);
            Assert.Equal("done!\n", client.Result);
        }

        [Fact]
        public void AModuleClientAndAModuleListenerTalkTlsWithAHalfClose()
        {
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            using var clientSide = new PowerShellHarness();
            clientSide.SetVariable("ca", TestCertificates.CaPublic);
            Task<ScriptResult> client = RunInBackground(
                clientSide,
                $"$s = Connect-Socket localhost {port} -UseTls -TrustedCertificate $ca -Timeout 10000 -AddressFamily IPv4; " +
                "'one', 'two' | Send-SocketData -Session $s -Line; $s | Close-Socket -SendOnly; $s | Receive-SocketData -ToEnd -Timeout 10000; $s | Close-Socket");

            ScriptResult server = PS.Run(
                "$c = $l | Wait-SocketConnection -Timeout 10000; " +
                "while ($null -ne ($line = $c | Receive-SocketData -Line -Timeout 10000)) { $c | Send-SocketData $line.ToUpper() -Line }; " +
                "$c.RemoteClosed; $c | Close-Socket").ThrowOnError();
            Assert.Equal(true, server.Output.Single().BaseObject);
            Assert.True(client.Wait(15_000));
            Assert.Equal("ONE\nTWO\n", client.Result.ThrowOnError().Output.Single().BaseObject);
        }

        [Fact]
        public void RequireClientCertificateRefusesAClientWithoutOneAndAcceptsOneTheCaSigned()
        {
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate -RequireClientCertificate -TrustedCertificate $ca").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);

            Task<string> anonymous = DotNetClient(port, async ssl => (await ssl.ReadAsync(new byte[1])).ToString());
            ScriptResult refused = PS.Run("$l | Wait-SocketConnection -Timeout 10000");
            Assert.Equal(new[] { "TlsClientCertificateRequired" }, refused.ErrorIds);
            Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, refused.Errors[0].CategoryInfo.Category);
            // TLS 1.3 finishes the client's handshake before the server looks at the certificate: the refusal shows as an alert or the end of the stream.
            Assert.True(anonymous.ContinueWith(t => t.IsFaulted || t.Result == "0").Wait(10_000) && anonymous.ContinueWith(t => t.IsFaulted || t.Result == "0").Result);

            Task<string> known = DotNetClient(port, ReadToEnd, TestCertificates.Client);
            ScriptResult accepted = PS.Run("$c = $l | Wait-SocketConnection -Timeout 10000; $c.Tls; $c | Send-SocketData 'welcome'; $c | Close-Socket").ThrowOnError();
            var tls = (TlsInfo)accepted.Output.Single().BaseObject;
            Assert.Equal("CN=pssocket-client", tls.Subject);
            Assert.True(tls.ChainValid);
            Assert.True(tls.IsMutuallyAuthenticated);
            Assert.Equal("welcome", known.Result);
        }

        [Fact]
        public void APlaintextClientAtATlsListenerIsNotSpeakingTls()
        {
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            using Socket plain = RawPeer.Connect(port);
            plain.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));
            ScriptResult result = PS.Run("$l | Wait-SocketConnection -Timeout 10000");
            Assert.Equal(new[] { "TlsNotSpokenByPeer" }, result.ErrorIds);
            Assert.Contains("GET / HTTP/1.0", result.Errors[0].Exception.Message);
            Assert.Equal(new[] { "Listener" }, PS.Run("Get-Socket | ForEach-Object { $_.Role.ToString() }").All<string>());
        }

        [Fact]
        public void APfxFileAndItsPasswordServeTls()
        {
            string pfx = Path.Combine(TestCertificates.Directory, "server.pfx");
            PS.Run($"$l = Start-SocketListener -CertificatePath '{pfx}' -CertificatePassword ([System.Net.NetworkCredential]::new('', '{TestCertificates.PfxPassword}').SecurePassword)").ThrowOnError();
            int port = PortOf((PSSocket.Sessions.SocketSession)PS.GetVariable("l")!);
            Task<string> client = DotNetClient(port, ReadToEnd);
            PS.Run("$c = $l | Wait-SocketConnection -Timeout 10000; $c | Send-SocketData 'from pfx'; $c | Close-Socket").ThrowOnError();
            Assert.Equal("from pfx", client.Result);
        }

        [Fact]
        public void BadServerCertificateParametersStopTheCommand()
        {
            PS.SetVariable("publicOnly", TestCertificates.CaPublic);
            Assert.Equal(new[] { "CertificateHasNoPrivateKey" }, PS.Run("Start-SocketListener -Certificate $publicOnly").ErrorIds);
            Assert.Equal(new[] { "TlsNotRequested" }, PS.Run("Start-SocketListener -RequireClientCertificate").ErrorIds);
            Assert.Equal(new[] { "ConflictingParameters" }, PS.Run("Start-SocketListener -Certificate $serverCertificate -CertificatePath x.pfx").ErrorIds);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }
    }
}
