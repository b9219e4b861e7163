using System.Diagnostics;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Tls;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>Background servers on a TLS listener (-Certificate): each connection's handshake runs off the accept thread.</summary>
    public class TlsServerTests : ServerTestBase
    {
        public TlsServerTests()
        {
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PS.SetVariable("serverCertificate", TestCertificates.Server);
        }

        [Fact]
        public void TheEchoServerEchoesOverTls()
        {
            SocketSession listener = StartServer("-Echo -Certificate $serverCertificate");
            byte[] payload = RawPeer.RandomBytes(50_000, seed: 5);
            PS.SetVariable("payload", payload);
            ScriptResult result = PS.Run(@"
$c = Connect-Socket localhost $l.LocalEndPoint.Port -UseTls -TrustedCertificate $ca -Timeout 5000 -AddressFamily IPv4
$c | Send-SocketData $payload
$c | Receive-SocketData -Count $payload.Length -AsByteArray -Timeout 5000
$null -ne $c.Tls
Get-Socket -Role Accepted | ForEach-Object { $null -ne $_.Tls }").ThrowOnError();
            Assert.Equal(payload, (byte[])result.Output[0].BaseObject);
            Assert.Equal(new object[] { true, true }, result.Output.Skip(1).Select(o => o.BaseObject));
            Assert.Equal(payload.Length, listener.Server!.BytesReceived);
        }

        [Fact]
        public void AClientThatNeverHandshakesDoesNotHoldUpTheOthersAndAFailedHandshakeIsReported()
        {
            SocketSession listener = StartServer("-Greeting 'hello over tls' -Certificate $serverCertificate");
            using Socket silent = RawPeer.Connect(PortOf(listener));
            WaitUntil(() => listener.Server!.Active == 1, "the silent client accepted");

            var watch = Stopwatch.StartNew();
            Assert.Equal("hello over tls", PS.Run(
                "Connect-Socket localhost $l.LocalEndPoint.Port -UseTls -TrustedCertificate $ca -Timeout 5000 -AddressFamily IPv4 | Receive-SocketData -ToEnd -Timeout 5000").Single<string>());
            Assert.InRange(watch.ElapsedMilliseconds, 0, 3000);

            using (Socket plain = RawPeer.Connect(PortOf(listener)))
            {
                plain.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));
                RawPeer.ReceiveToEnd(plain);
            }

            WaitUntil(() => (bool)PS.Run("$l.Job.HasMoreData").Output[0].BaseObject, "the failed handshake reported");
            ScriptResult received = PS.Run("Receive-Job $l.Job");
            Assert.Single(received.Errors);
            Assert.StartsWith("Tls", received.ErrorIds.Single(), System.StringComparison.Ordinal);
            Assert.Equal("Running", PS.Run("$l.Job.State.ToString()").Single<string>());
        }
    }
}
