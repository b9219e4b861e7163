using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>Wait-SocketConnection on a TLS listener: a client that stalls mid-handshake holds up no one, and -Timeout bounds the call.</summary>
    public sealed class TlsAcceptStallTests : CmdletTestBase
    {
        /// <summary>The first 5 bytes of a TLS record header announcing a ClientHello whose body never comes.</summary>
        private static readonly byte[] StalledHello = { 0x16, 0x03, 0x01, 0x00, 0xF0 };

        public TlsAcceptStallTests()
        {
            PS.SetVariable("serverCertificate", TestCertificates.Server);
            PS.Run("$l = Start-SocketListener -Certificate $serverCertificate").ThrowOnError();
        }

        private int Port => PortOf((SocketSession)PS.GetVariable("l")!);

        [Fact]
        public void AGoodClientIsAcceptedWhileAnEarlierOneStallsInItsHandshake()
        {
            int port = Port;
            using Socket stalled = RawPeer.Connect(port);
            stalled.Send(StalledHello);
            Task<bool> good = Task.Run(async () =>
            {
                await Task.Delay(200);
                using var ssl = new SslStream(new NetworkStream(RawPeer.Connect(port), ownsSocket: true), false, (s, c, ch, e) => true);
                await ssl.AuthenticateAsClientAsync("localhost").WaitAsync(System.TimeSpan.FromSeconds(10));
                return ssl.IsAuthenticated;
            });

            var watch = Stopwatch.StartNew();
            // The stalled handshake holds for the listener's ConnectTimeout (10 s): a wait that ends well before it
            // proves the good client was not queued behind the stalled one.
            ScriptResult result = PS.Run("$c = $l | Wait-SocketConnection -Timeout 8000; $c.Tls -ne $null").ThrowOnError();
            Assert.InRange(watch.ElapsedMilliseconds, 0, 9_000);
            Assert.True(result.Single<bool>());
            Assert.True(good.Result);
        }

        [Fact]
        public void TheTimeoutBoundsTheCallWhileAHandshakeStalls()
        {
            using Socket stalled = RawPeer.Connect(Port);
            stalled.Send(StalledHello);
            var watch = Stopwatch.StartNew();
            ScriptResult result = PS.Run("$l | Wait-SocketConnection -Timeout 500");
            Assert.InRange(watch.ElapsedMilliseconds, 0, 3_000);
            Assert.Equal(new[] { "AcceptTimedOut" }, result.ErrorIds);
            Assert.Contains("still going on", result.Errors[0].Exception.Message, System.StringComparison.Ordinal);
        }

        [Fact]
        public void ClosingTheListenerEndsTheHandshakesStillGoingOn()
        {
            using Socket stalled = RawPeer.Connect(Port);
            stalled.Send(StalledHello);
            PS.Run("$l | Wait-SocketConnection -Timeout 300");
            PS.Run("$l | Close-Socket").ThrowOnError();
            Assert.Empty(RawPeer.ReceiveToEnd(stalled, 5_000));
            Wait.Until(() => PS.Run("Get-Socket").Output.Count == 0, "no session left", 5_000);
        }
    }
}
