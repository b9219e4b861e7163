using System.Linq;
using System.Management.Automation;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Tls;
using Xunit;

namespace PSSocket.Tests.Interactions
{
    /// <summary>
    /// Where the socket kinds (UDP, Unix domain sockets) meet TLS and the background servers: a stream kind works
    /// with both, a datagram kind is refused with a stable id before anything is bound or connected.
    /// </summary>
    public class KindInteractionTests : CmdletTestBase
    {
        private readonly TempSocketPath _path = new TempSocketPath("ki");

        public KindInteractionTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PS.SetVariable("serverCertificate", TestCertificates.Server);
            PS.SetVariable("path", _path.Path);
        }

        public override void Dispose()
        {
            base.Dispose();
            _path.Dispose();
        }

        private void SingleError(string script, string expectedId, ErrorCategory category)
        {
            ScriptResult result = PS.Run(script);
            Assert.Equal(new[] { expectedId }, result.ErrorIds);
            Assert.Equal(category, result.AllErrors.Single().CategoryInfo.Category);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Theory]
        [InlineData("Start-SocketListener -Protocol Udp -Echo")]
        [InlineData("Start-SocketListener -Protocol Udp -Greeting 'hi'")]
        [InlineData("Start-SocketListener -Protocol Udp -Broadcast")]
        [InlineData("Start-SocketListener -Protocol Udp -ScriptBlock { }")]
        [InlineData("Start-SocketListener -Protocol Udp -Certificate $serverCertificate")]
        [InlineData("Start-SocketListener -Protocol UnixDatagram -Path $path -Echo")]
        [InlineData("Start-SocketListener -Protocol UnixDatagram -Path $path -Certificate $serverCertificate")]
        [InlineData("Start-SocketListener -Path $path -Echo -AllowedClient 127.0.0.1")]
        [InlineData("Start-SocketListener -Echo -EnableBroadcast")]
        [InlineData("Connect-Socket 127.0.0.1 9 -Protocol Udp -UseTls")]
        [InlineData("Connect-Socket -Path $path -Protocol UnixDatagram -UseTls")]
        public void ADatagramKindWithAServerModeOrTlsConflicts(string script)
        {
            SingleError(script, "ConflictingParameters", ErrorCategory.InvalidArgument);
        }

        [Fact]
        public void APipedDatagramSessionWithUseTlsIsNotAStreamSession()
        {
            ScriptResult result = PS.Run("$u = New-Socket -Protocol Udp; $u | Connect-Socket 127.0.0.1 9 -UseTls; $u.State.ToString()");
            Assert.Equal(new[] { "NotAStreamSession" }, result.ErrorIds);
            Assert.Equal("Created", result.Output.Single().BaseObject);
        }

        [Fact]
        public void StartSocketTlsOnAUdpSessionIsNotAStreamSession()
        {
            ScriptResult result = PS.Run("$u = Connect-Socket 127.0.0.1 9 -Protocol Udp; $u | Start-SocketTls");
            Assert.Equal(new[] { "NotAStreamSession" }, result.ErrorIds);
        }

        [Fact]
        public void AnEchoServerOnAUnixSocket()
        {
            ScriptResult result = PS.Run(@"
$l = Start-SocketListener -Path $path -Echo
$c = Connect-Socket -Path $path -Timeout 5000
$c | Send-SocketData 'over a unix socket' -Line
$c | Receive-SocketData -Line -Timeout 5000
$l.Server.Mode.ToString()
Get-Socket | Close-Socket").ThrowOnError();
            Assert.Equal(new object[] { "over a unix socket", "Echo" }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void TlsOverAUnixSocket()
        {
            ScriptResult result = PS.Run(@"
$l = Start-SocketListener -Path $path -Certificate $serverCertificate -Echo
$c = Connect-Socket -Path $path -UseTls -ServerName localhost -TrustedCertificate $ca -Timeout 5000
$c | Send-SocketData 'secret' -Line
$c | Receive-SocketData -Line -Timeout 5000
$c.Tls.ChainValid
Get-Socket | Close-Socket").ThrowOnError();
            Assert.Equal(new object[] { "secret", true }, result.Output.Select(o => o.BaseObject));
        }
    }
}
