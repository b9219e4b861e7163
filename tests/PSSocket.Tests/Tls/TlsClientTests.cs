using System.Linq;
using System.Security.Authentication;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>Connect-Socket -UseTls against a .NET TLS server: validation by default, trust anchors, the TLS facts, and every failure id.</summary>
    public class TlsClientTests : CmdletTestBase
    {
        public TlsClientTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
        }

        [Fact]
        public void ATrustedServerGivesATlsSessionWithItsFacts()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000 -AddressFamily IPv4; " +
                "$s | Send-SocketData 'hello' -Line; $s | Receive-SocketData -Line -Timeout 5000; $s.Tls").ThrowOnError();
            Assert.Equal("HELLO", result.Output[0].BaseObject);
            var tls = (TlsInfo)result.Output[1].BaseObject;
            Assert.Equal("Tls13", tls.Protocol);
            Assert.StartsWith("TLS_", tls.CipherSuite);
            Assert.Equal("localhost", tls.ServerName);
            Assert.False(tls.IsServer);
            Assert.Equal("CN=localhost", tls.Subject);
            Assert.Equal(TestCertificates.Ca.Subject, tls.Issuer);
            Assert.Equal(new[] { "localhost", "127.0.0.1", "::1" }, tls.SubjectAlternativeNames);
            Assert.Equal(TestCertificates.Server.Thumbprint, tls.Thumbprint);
            Assert.InRange(tls.DaysUntilExpiry!.Value, 88, 90);
            Assert.True(tls.ChainValid);
            Assert.Empty(tls.ChainStatus);
            Assert.True(tls.NameMatches);
            Assert.Null(tls.CertificateError);
        }

        [Fact]
        public void TlsFactsKeepTheirPropertiesThroughPowerShellSerialization()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000 -AddressFamily IPv4; " +
                "$copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($s.Tls)); " +
                "$copy.Protocol; $copy.SubjectAlternativeNames -join ','; $copy.NotAfter -eq $s.Tls.NotAfter; $copy.DaysUntilExpiry; $copy.ChainValid; $copy.PSObject.TypeNames[0]").ThrowOnError();
            Assert.Equal("Tls13", result.Output[0].BaseObject);
            Assert.Equal("localhost,127.0.0.1,::1", result.Output[1].BaseObject);
            Assert.Equal(true, result.Output[2].BaseObject);
            Assert.IsType<int>(result.Output[3].BaseObject);
            Assert.Equal(true, result.Output[4].BaseObject);
            Assert.Equal("Deserialized.PSSocket.Tls.TlsInfo", result.Output[5].BaseObject);
        }

        [Fact]
        public void AnAddressIsCheckedAgainstTheCertificatesIpNames()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run($"(Connect-Socket 127.0.0.1 {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000).Tls.NameMatches").ThrowOnError();
            Assert.Equal(true, result.Output.Single().BaseObject);
        }

        [Fact]
        public void ACaTheMachineDoesNotTrustIsAnUntrustedChain()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run($"Connect-Socket localhost {server.Port} -UseTls -Timeout 5000");
            Assert.Equal(new[] { "TlsUntrustedCertificate" }, result.ErrorIds);
            Assert.Empty(result.Output);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void ASelfSignedCertificateIsUntrustedUnlessItIsTheTrustedOne()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.SelfSigned);
            Assert.Equal(new[] { "TlsUntrustedCertificate" }, PS.Run($"Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000").ErrorIds);

            PS.SetVariable("pinned", TestCertificates.SelfSigned);
            ScriptResult pinned = PS.Run($"(Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $pinned -Timeout 5000).Tls.ChainValid").ThrowOnError();
            Assert.Equal(true, pinned.Output.Single().BaseObject);
        }

        [Fact]
        public void ACertificateForAnotherNameIsANameMismatch()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.WrongName);
            ScriptResult result = PS.Run($"Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000");
            Assert.Equal(new[] { "TlsNameMismatch" }, result.ErrorIds);
            Assert.Contains("wrong.pssocket.test", result.Errors[0].Exception.Message);
        }

        [Fact]
        public void ServerNameChecksAndSendsAnotherName()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.WrongName);
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket 127.0.0.1 {server.Port} -UseTls -ServerName wrong.pssocket.test -TrustedCertificate $ca -Timeout 5000; $s.Tls.ServerName; $s.Tls.NameMatches").ThrowOnError();
            Assert.Equal(new object[] { "wrong.pssocket.test", true }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void AnExpiredCertificateIsExpired()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Expired);
            ScriptResult result = PS.Run($"Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000");
            Assert.Equal(new[] { "TlsCertificateExpired" }, result.ErrorIds);
            Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, result.Errors[0].CategoryInfo.Category);
        }

        [Fact]
        public void SkipCertificateCheckConnectsAndStillReportsWhatWasWrong()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Expired);
            ScriptResult result = PS.Run(
                $"$s = Connect-Socket localhost {server.Port} -UseTls -SkipCertificateCheck -Timeout 5000; " +
                "$s | Send-SocketData 'ok' -Line; $s | Receive-SocketData -Line -Timeout 5000; $s.Tls").ThrowOnError();
            Assert.Equal("OK", result.Output[0].BaseObject);
            var tls = (TlsInfo)result.Output[1].BaseObject;
            Assert.False(tls.ChainValid);
            Assert.Contains("NotTimeValid", tls.ChainStatus);
            Assert.Equal("TlsCertificateExpired", tls.CertificateError);
            Assert.True(tls.DaysUntilExpiry < 0);
        }

        [Fact]
        public void NoCommonProtocolVersionIsAHandshakeFailure()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server, SslProtocols.Tls13);
            ScriptResult result = PS.Run($"Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -TlsProtocol Tls12 -Timeout 5000");
            Assert.Equal(new[] { "TlsHandshakeFailed" }, result.ErrorIds);
        }

        [Fact]
        public void AChosenProtocolVersionIsNegotiated()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run($"(Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -TlsProtocol Tls12 -Timeout 5000).Tls.Protocol").ThrowOnError();
            Assert.Equal("Tls12", result.Output.Single().BaseObject);
        }

        [Fact]
        public void APeerThatDoesNotSpeakTlsIsNamedAsSuch()
        {
            using var server = new LoopbackServer(async (socket, token) =>
            {
                await LoopbackServer.Send(socket, "220 smtp.pssocket.test ESMTP ready\r\n", token);
                await LoopbackServer.ReadLine(socket, token);
            });
            ScriptResult result = PS.Run($"Connect-Socket localhost {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000");
            Assert.Equal(new[] { "TlsNotSpokenByPeer" }, result.ErrorIds);
            Assert.Contains("220 smtp.pssocket.test", result.Errors[0].Exception.Message);
        }

        [Fact]
        public void APeerThatNeverAnswersTimesOutTheHandshake()
        {
            using var server = new LoopbackServer((socket, token) => System.Threading.Tasks.Task.Delay(-1, token));
            ScriptResult result = PS.Run($"Connect-Socket 127.0.0.1 {server.Port} -UseTls -TrustedCertificate $ca -Timeout 1500");
            Assert.Equal(new[] { "TlsHandshakeTimedOut" }, result.ErrorIds);

            // Start-SocketTls -Timeout bounds the handshake alone; a stopped handshake closes the session.
            ScriptResult upgrade = PS.Run($"$s = Connect-Socket 127.0.0.1 {server.Port} -Timeout 5000; $s | Start-SocketTls -TrustedCertificate $ca -Timeout 300; $s.State.ToString()");
            Assert.Equal(new[] { "TlsHandshakeTimedOut" }, upgrade.ErrorIds);
            Assert.Equal("Closed", upgrade.Output.Single().BaseObject);
        }

        [Fact]
        public void ATlsFailureLeavesAPipedSessionReadyForAnotherTry()
        {
            using LoopbackServer bad = LoopbackServer.Tls(TestCertificates.WrongName);
            using LoopbackServer good = LoopbackServer.Tls(TestCertificates.Server);
            ScriptResult result = PS.Run(
                $"$s = New-Socket; $s | Connect-Socket localhost {bad.Port} -UseTls -TrustedCertificate $ca -Timeout 5000 -ErrorAction SilentlyContinue -ErrorVariable failed; $failed[0].FullyQualifiedErrorId.Split(',')[0]; $s.State.ToString(); " +
                $"($s | Connect-Socket localhost {good.Port} -UseTls -TrustedCertificate $ca -Timeout 5000).Tls.Subject");
            result.ThrowOnError();
            Assert.Equal(new object[] { "TlsNameMismatch", "Created", "CN=localhost" }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void TlsParametersWithoutUseTlsAreRefused()
        {
            ScriptResult result = PS.Run("Connect-Socket localhost 1 -SkipCertificateCheck");
            Assert.Equal(new[] { "TlsNotRequested" }, result.ErrorIds);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void AClientCertificateFileThatCannotBeReadStopsTheCommand()
        {
            string pfx = System.IO.Path.Combine(TestCertificates.Directory, "client.pfx");
            ScriptResult wrongPassword = PS.Run(
                $"Connect-Socket localhost 1 -UseTls -ClientCertificatePath '{pfx}' -ClientCertificatePassword ([System.Net.NetworkCredential]::new('', 'wrong').SecurePassword)");
            Assert.Equal(new[] { "CertificateLoadFailed" }, wrongPassword.ErrorIds);

            ScriptResult missing = PS.Run("Connect-Socket localhost 1 -UseTls -ClientCertificatePath ./no-such-file.pfx");
            Assert.Equal(new[] { "PathNotFound" }, missing.ErrorIds);

            PS.SetVariable("publicOnly", TestCertificates.CaPublic);
            Assert.Equal(new[] { "CertificateHasNoPrivateKey" }, PS.Run("Connect-Socket localhost 1 -UseTls -ClientCertificate $publicOnly").ErrorIds);
        }
    }
}
