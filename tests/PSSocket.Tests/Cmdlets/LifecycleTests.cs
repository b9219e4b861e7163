using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    public class LifecycleTests : CmdletTestBase
    {
        [Fact]
        public async Task TheWholeLifeInOnePipelineAgainstAModuleListener()
        {
            using var serverSide = new PowerShellHarness();
            var listener = serverSide.Run("$listener = Start-SocketListener -Port 0; $listener").Single<SocketSession>();
            Task<ScriptResult> server = RunInBackground(serverSide, @"
$listener | Wait-SocketConnection -Timeout 10000 | ForEach-Object {
    $request = $_ | Receive-SocketData -Line -Timeout 10000
    $_ | Send-SocketData ""you said: $request"" -Line -PassThru | Close-Socket
}
$listener | Close-Socket");

            ScriptResult result = PS.Run(
                $"New-Socket | Connect-Socket 127.0.0.1 {PortOf(listener)} | Send-SocketData 'hello' -Line -PassThru | Receive-SocketData -ToEnd | ForEach-Object {{ $_ }}");

            (await server).ThrowOnError();
            Assert.Equal("you said: hello\n", result.Single<string>());
            Assert.Equal(SocketState.Closed, listener.State);
        }

        [Fact]
        public void StepByStepWithStatesAndCounters()
        {
            var listener = PS.Run("$listener = Start-SocketListener; $listener").Single<SocketSession>();
            Assert.Equal(SocketState.Listening, listener.State);
            Assert.Equal(SocketRole.Listener, listener.Role);
            Assert.NotEqual(0, PortOf(listener));
            Assert.Equal(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndPoint!).Address);

            var client = PS.Run("$client = New-Socket; $client").Single<SocketSession>();
            Assert.Equal(SocketState.Created, client.State);
            PS.Run("$client | Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port | Out-Null").ThrowOnError();
            Assert.Equal(SocketState.Connected, client.State);
            Assert.NotNull(client.ConnectedAt);

            var server = PS.Run("$server = Wait-SocketConnection $listener -Timeout 5000; $server").Single<SocketSession>();
            Assert.Equal(SocketRole.Accepted, server.Role);
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);

            PS.Run("Send-SocketData -Session $client -Data 'abc', 'def'").ThrowOnError();
            Assert.Equal("abcdef", PS.Run("$server | Receive-SocketData -Count 6").Single<string>());
            Assert.Equal(6L, client.BytesSent);
            Assert.Equal(6L, server.BytesReceived);

            var closed = PS.Run("$client | Close-Socket -PassThru").Single<SocketSession>();
            Assert.Equal(SocketState.Closed, closed.State);
            Assert.NotNull(closed.ClosedAt);
            Assert.Equal(6L, closed.BytesSent);
            PS.Run("$client | Close-Socket").ThrowOnError();

            int[] open = PS.Run("Get-Socket | ForEach-Object Id").All<int>().ToArray();
            Assert.Equal(new[] { listener.Id, server.Id }, open);
        }

        [Fact]
        public async Task EchoServerEchoesUntilTheClientHalfClosesAndTheClientReadsToEnd()
        {
            using var serverSide = new PowerShellHarness();
            var listener = serverSide.Run("$listener = Start-SocketListener; $listener").Single<SocketSession>();
            Task<ScriptResult> server = RunInBackground(serverSide, @"
$s = $listener | Wait-SocketConnection -Timeout 10000
do {
    $chunk = $s | Receive-SocketData -AsByteArray -Timeout 10000
    if ($chunk) { $s | Send-SocketData $chunk }
} while ($chunk)
$s | Close-Socket
$listener | Close-Socket");

            byte[] payload = RawPeer.RandomBytes(48 * 1024, seed: 7);
            PS.SetVariable("payload", payload);
            ScriptResult result = PS.Run($@"
$c = Connect-Socket 127.0.0.1 {PortOf(listener)}
Send-SocketData -Session $c -Data (,$payload)
$c | Close-Socket -SendOnly -PassThru | Receive-SocketData -ToEnd -AsByteArray
$c | Close-Socket");

            (await server).ThrowOnError();
            Assert.Equal(payload, result.Single<byte[]>());
        }

        [Fact]
        public async Task GreetingServerSendsALineAndClosesOnEachAccept()
        {
            using var serverSide = new PowerShellHarness();
            var listener = serverSide.Run("$listener = Start-SocketListener; $listener").Single<SocketSession>();
            Task<ScriptResult> server = RunInBackground(serverSide, @"
$listener | Wait-SocketConnection -Count 2 -Timeout 10000 | ForEach-Object {
    $_ | Send-SocketData '220 pssocket ready' -Line -LineEnding CrLf -PassThru | Close-Socket
}");

            for (int i = 0; i < 2; i++)
            {
                ScriptResult result = PS.Run($@"
$c = Connect-Socket 127.0.0.1 {PortOf(listener)}
$c | Receive-SocketData -Line
$c | Receive-SocketData
$c.RemoteClosed
$c | Close-Socket");
                result.ThrowOnError();
                Assert.Equal(new object[] { "220 pssocket ready", true }, result.Output.Select(o => o.BaseObject).ToArray());
            }

            (await server).ThrowOnError();
        }

        [Fact]
        public void Ipv6Loopback()
        {
            ScriptResult result = PS.Run(@"
$l = Start-SocketListener -AddressFamily IPv6
$c = Connect-Socket ::1 $l.LocalEndPoint.Port
$s = $l | Wait-SocketConnection -Timeout 5000
$c | Send-SocketData 'over six' -Line
$s | Receive-SocketData -Line
$l.LocalEndPoint.ToString()
$c.RemoteEndPoint.ToString()");
            result.ThrowOnError();
            Assert.Equal("over six", result.Output[0].BaseObject);
            Assert.StartsWith("[::1]:", (string)result.Output[1].BaseObject);
            Assert.Equal(result.Output[1].BaseObject, result.Output[2].BaseObject);
        }

        [Fact]
        public void AHostWhoseFirstAddressRefusesConnectsOnItsSecond()
        {
            HostResolver.TestHosts["first-refuses.pssocket.test"] = new[] { IPAddress.Parse("127.0.0.2"), IPAddress.Loopback };
            ScriptResult result = PS.Run(@"
$l = Start-SocketListener
$c = Connect-Socket first-refuses.pssocket.test $l.LocalEndPoint.Port -Timeout 5000
$c.RemoteEndPoint.Address.ToString()
$c.RemoteHost");
            result.ThrowOnError();
            Assert.Equal(new object[] { "127.0.0.1", "first-refuses.pssocket.test" }, result.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void NewSocketAppliesItsOptions()
        {
            var session = PS.Run("New-Socket -LocalAddress 127.0.0.1 -LocalPort 0 -NoDelay -Encoding unicode -ReceiveTimeout 1234 -SendTimeout 2345 -ConnectTimeout 3456 -ReceiveBufferSize 65536")
                .Single<SocketSession>();
            Assert.Equal(SocketState.Bound, session.State);
            Assert.Equal(IPAddress.Loopback, ((IPEndPoint)session.LocalEndPoint!).Address);
            Assert.True(session.NoDelay);
            Assert.True(session.Socket!.NoDelay);
            Assert.Equal("utf-16", session.Encoding.WebName);
            Assert.Equal(1234, session.ReceiveTimeout);
            Assert.Equal(2345, session.SendTimeout);
            Assert.Equal(3456, session.ConnectTimeout);
            Assert.Equal(IPFamily.IPv4, session.AddressFamily);
        }

        [Fact]
        public void ConnectOptionsReachTheSocketOfABoundSession()
        {
            var session = PS.Run("$l = Start-SocketListener; New-Socket -LocalAddress 127.0.0.1 | Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -NoDelay")
                .Single<SocketSession>();
            Assert.True(session.NoDelay);
            Assert.True(session.Socket!.NoDelay);
        }

        [Fact]
        public void DefaultsAreUtf8WithoutBomAndDocumentedTimeouts()
        {
            var session = PS.Run("New-Socket").Single<SocketSession>();
            Assert.IsType<System.Text.UTF8Encoding>(session.Encoding);
            Assert.Empty(session.Encoding.GetPreamble());
            Assert.Equal(SocketSettings.DefaultConnectTimeout, session.ConnectTimeout);
            Assert.Equal(SocketSettings.DefaultReceiveTimeout, session.ReceiveTimeout);
            Assert.Null(session.Socket);
        }

        [Fact]
        public void GetSocketFiltersByIdStateAndRole()
        {
            ScriptResult result = PS.Run(@"
$l = Start-SocketListener
$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$s = $l | Wait-SocketConnection -Timeout 5000
$n = New-Socket
(Get-Socket).Count
(Get-Socket -State Listening).Id -eq $l.Id
(Get-Socket -Role Accepted).Id -eq $s.Id
(Get-Socket -Id $c.Id, $n.Id).Count
(Get-Socket -State Created).Id -eq $n.Id
(Get-Socket -Protocol Tcp).Count
Get-Socket | Close-Socket
(Get-Socket).Count");
            result.ThrowOnError();
            Assert.Equal(new object[] { 4, true, true, 2, true, 4, 0 }, result.Output.Select(o => o.BaseObject).ToArray());
        }

        [Fact]
        public void RemovingTheModuleClosesItsSessions()
        {
            var sessions = PS.Run(@"
$l = Start-SocketListener
$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$l; $c").All<SocketSession>();
            PS.Run("Remove-Module PSSocket").ThrowOnError();
            Assert.All(sessions, s => Assert.Equal(SocketState.Closed, s.State));
        }

        [Fact]
        public void ClosingTheRunspaceClosesItsSessions()
        {
            var other = new PowerShellHarness();
            var sessions = other.Run("$l = Start-SocketListener; $c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $l; $c").All<SocketSession>();
            other.Dispose();
            Assert.All(sessions, s => Assert.Equal(SocketState.Closed, s.State));
        }

        [Fact]
        public void SessionsOfOtherRunspacesAreNotListed()
        {
            using var other = new PowerShellHarness();
            other.Run("Start-SocketListener | Out-Null").ThrowOnError();
            Assert.Empty(PS.Run("Get-Socket").Output);
            Assert.Single(other.Run("Get-Socket").Output);
            other.Run("Get-Socket | Close-Socket").ThrowOnError();
        }
    }
}
