using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>
    /// Each server mode end to end through the cmdlets, in one runspace: the server runs in the background, so the
    /// same pipeline thread can be its client.
    /// </summary>
    public class ServerModeTests : ServerTestBase
    {
        [Fact]
        public void EchoSendsEachClientItsOwnBytesBackAndListsItsConnections()
        {
            SocketSession listener = StartServer("-Echo");
            Assert.Equal(SocketState.Listening, listener.State);
            Assert.Equal(ServerMode.Echo, listener.Server!.Mode);
            Assert.Equal(ServerState.Running, listener.Server.State);

            byte[] first = RawPeer.RandomBytes(100_000, seed: 1);
            byte[] second = RawPeer.RandomBytes(70_000, seed: 2);
            PS.SetVariable("first", first);
            PS.SetVariable("second", second);
            ScriptResult echoes = PS.Run(@"
$a = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$b = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$a | Send-SocketData $first
$b | Send-SocketData $second
$a | Receive-SocketData -Count $first.Length -AsByteArray -Timeout 5000
$b | Receive-SocketData -Count $second.Length -AsByteArray -Timeout 5000").ThrowOnError();
            Assert.Equal(first, (byte[])echoes.Output[0].BaseObject);
            Assert.Equal(second, (byte[])echoes.Output[1].BaseObject);

            List<SocketSession> accepted = PS.Run("Get-Socket -Role Accepted").All<SocketSession>();
            Assert.Equal(2, accepted.Count);
            Assert.Equal(
                PS.Run("$a.LocalEndPoint, $b.LocalEndPoint").Output.Select(o => o.ToString()).OrderBy(s => s),
                accepted.Select(s => s.RemoteEndPoint!.ToString()).OrderBy(s => s));
            Assert.Equal(5, PS.Run("Get-Socket").Output.Count);

            PS.Run("$a | Close-Socket").ThrowOnError();
            WaitUntil(() => listener.Server.Active == 1, "the first connection closed by the server");
            Assert.Single(PS.Run("Get-Socket -Role Accepted").Output);
            Assert.Equal(2, listener.Server.Accepted);
            Assert.Equal(170_000L, listener.Server.BytesReceived);
            Assert.Equal(170_000L, listener.Server.BytesSent);
        }

        [Fact]
        public void ClosingTheListenerClosesItsConnectionsButNotItsClients()
        {
            SocketSession listener = StartServer("-Echo");
            PS.Run("$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $c | Send-SocketData 'ping' -Line; $null = $c | Receive-SocketData -Line -Timeout 5000").ThrowOnError();

            PS.Run("$l | Close-Socket").ThrowOnError();

            Assert.Equal(ServerState.Stopped, listener.Server!.State);
            Assert.Equal(0, listener.Server.Active);
            Assert.Empty(PS.Run("Get-Socket -Role Accepted, Listener").Output);
            ScriptResult client = PS.Run("$c | Receive-SocketData -Timeout 5000; $c.RemoteClosed; $c.State").ThrowOnError();
            Assert.Equal(new object[] { true, SocketState.Connected }, client.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void AGreetingIsSentToEachClientThenTheConnectionCloses()
        {
            SocketSession listener = StartServer("-Greeting \"220 test.local ready`r`n\"");
            ScriptResult greetings = PS.Run(@"
1..3 | ForEach-Object { Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port | Receive-SocketData -ToEnd -Timeout 5000 }").ThrowOnError();
            Assert.Equal(Enumerable.Repeat("220 test.local ready\r\n", 3), greetings.All<string>());
            WaitUntil(() => listener.Server!.Active == 0, "greeted connections closed");
            Assert.Equal(3, listener.Server!.Accepted);
            Assert.Equal(3 * 22, listener.Server.BytesSent);
        }

        [Fact]
        public void AGreetingCanBeBytesOrTextInTheListenersEncoding()
        {
            PS.Run("$bytes = Start-SocketListener -Greeting ([byte[]](0, 1, 13, 10, 255))").ThrowOnError();
            PS.Run("$latin = Start-SocketListener -Greeting 'é', 'è' -Encoding latin1").ThrowOnError();
            ScriptResult result = PS.Run(@"
Connect-Socket 127.0.0.1 $bytes.LocalEndPoint.Port | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000
Connect-Socket 127.0.0.1 $latin.LocalEndPoint.Port | Receive-SocketData -ToEnd -AsByteArray -Timeout 5000").ThrowOnError();
            Assert.Equal(new byte[] { 0, 1, 13, 10, 255 }, (byte[])result.Output[0].BaseObject);
            Assert.Equal(new byte[] { 0xE9, 0xE8 }, (byte[])result.Output[1].BaseObject);
        }

        [Fact]
        public void WithKeepOpenTheGreetedConnectionIsHandedOverThroughTheJob()
        {
            SocketSession listener = StartServer("-Greeting \"220 ready`r`n\" -KeepOpen");
            Assert.Equal("220 ready", PS.Run("$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $c | Receive-SocketData -Line -Timeout 5000").Single<string>());
            WaitUntil(() => (bool)PS.Run("$l.Job.HasMoreData").Output[0].BaseObject, "the connection written to the job");

            var connection = PS.Run("$conn = Receive-Job $l.Job; $conn").Single<SocketSession>();
            Assert.Equal(SocketRole.Accepted, connection.Role);
            ScriptResult talk = PS.Run(@"
$c | Send-SocketData 'HELO client' -Line
$conn | Receive-SocketData -Line -Timeout 5000
$conn | Send-SocketData '250 hello' -Line
$c | Receive-SocketData -Line -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "HELO client", "250 hello" }, talk.All<string>());
            Assert.Equal(1, listener.Server!.Active);

            PS.Run("$conn | Close-Socket").ThrowOnError();
            WaitUntil(() => listener.Server.Active == 0, "the handed-over connection closed");
        }

        [Fact]
        public void BroadcastRelaysToTheOtherTwoClientsAndQuitDisconnectsOnlyTheQuitter()
        {
            SocketSession listener = StartServer("-Broadcast");
            PS.Run(@"
$a = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$b = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port").ThrowOnError();
            WaitUntil(() => listener.Server!.Active == 3, "three clients in the relay");

            ScriptResult first = PS.Run(@"
$a | Send-SocketData 'hello from a' -Line
$b | Receive-SocketData -Line -Timeout 5000
$c | Receive-SocketData -Line -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "hello from a", "hello from a" }, first.All<string>());
            ScriptResult sender = PS.Run("$a | Receive-SocketData -Timeout 300");
            Assert.Equal(new[] { "ReceiveTimedOut" }, sender.ErrorIds);

            ScriptResult quit = PS.Run("$b | Send-SocketData 'quit' -Line; $b | Receive-SocketData -ToEnd -Timeout 5000").ThrowOnError();
            Assert.Equal(BroadcastHandler.FarewellText, quit.Single<string>());
            WaitUntil(() => listener.Server!.Active == 2, "the quitter dropped");

            ScriptResult after = PS.Run(@"
$c | Send-SocketData 'c is still here' -Line
$a | Receive-SocketData -Line -Timeout 5000
$a | Send-SocketData 'so is a' -Line
$c | Receive-SocketData -Line -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "c is still here", "so is a" }, after.All<string>());

            // Byte for byte: a got only c's line (never its own), b only a's first line and the farewell.
            Assert.Equal("hello from a\n".Length + "so is a\n".Length, (long)PS.Run("$a.BytesSent").Output[0].BaseObject);
            Assert.Equal("c is still here\n".Length, (long)PS.Run("$a.BytesReceived").Output[0].BaseObject);
            Assert.Equal("hello from a\n".Length + BroadcastHandler.FarewellText.Length, (long)PS.Run("$b.BytesReceived").Output[0].BaseObject);
            Assert.Equal(3, listener.Server!.Accepted);
        }

        [Fact]
        public void TheQuitWordCanBeChanged()
        {
            SocketSession listener = StartServer("-Broadcast -QuitWord '/exit'");
            PS.Run("$a = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $b = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port").ThrowOnError();
            WaitUntil(() => listener.Server!.Active == 2, "two clients");
            ScriptResult result = PS.Run(@"
$a | Send-SocketData 'quit' -Line
$b | Receive-SocketData -Line -Timeout 5000
$a | Send-SocketData '/EXIT' -Line
$a | Receive-SocketData -ToEnd -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "quit", BroadcastHandler.FarewellText }, result.All<string>());
        }

        [Fact]
        public void MaxConnectionsRefusesAndCountsTheExtraClient()
        {
            SocketSession listener = StartServer("-Echo -MaxConnections 1");
            PS.Run("$a = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port").ThrowOnError();
            WaitUntil(() => listener.Server!.Active == 1, "the first client served");

            ScriptResult refused = PS.Run("$b = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $b | Receive-SocketData -Timeout 5000; $b.RemoteClosed").ThrowOnError();
            Assert.True(refused.Single<bool>());
            Assert.Equal(1, listener.Server!.Refused);
            Assert.Equal(1, listener.Server.Accepted);
            Assert.Equal(1, listener.Server.MaxConnections);
            Assert.Equal("ok", PS.Run("$a | Send-SocketData 'ok'; $a | Receive-SocketData -Count 2 -Timeout 5000").Single<string>());
        }

        [Fact]
        public void AllowedClientRefusesOtherAddressesAndCountsThem()
        {
            SocketSession refusing = StartServer("-Echo -AllowedClient 10.0.0.0/8, 192.0.2.7");
            Assert.True(PS.Run("$x = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $x | Receive-SocketData -Timeout 5000; $x.RemoteClosed").Single<bool>());
            WaitUntil(() => refusing.Server!.Refused == 1, "the refusal counted");
            Assert.Equal(0, refusing.Server!.Accepted);

            SocketSession serving = StartServer("-Echo -AllowedClient 127.0.0.0/8");
            Assert.Equal("hi", PS.Run("$y = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $y | Send-SocketData 'hi'; $y | Receive-SocketData -Count 2 -Timeout 5000").Single<string>());
            Assert.Equal(0, serving.Server!.Refused);
        }

        [Fact]
        public void AnAllowListEntryThatIsNoAddressStopsTheCommandBeforeBinding()
        {
            ScriptResult result = PS.Run("Start-SocketListener -Echo -AllowedClient 'localhost'");
            Assert.Equal(new[] { "InvalidClientAddress" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.InvalidArgument, result.AllErrors.Single().CategoryInfo.Category);
            Assert.Empty(PS.Run("Get-Socket").Output);
            Assert.Empty(PS.Run("Get-Job").Output);
        }

        [Fact]
        public void WaitSocketConnectionRefusesAListenerAServerAcceptsOn()
        {
            StartServer("-Echo");
            ScriptResult result = PS.Run("$l | Wait-SocketConnection -Timeout 100");
            Assert.Equal(new[] { "ListenerInUse" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.ResourceBusy, result.Errors[0].CategoryInfo.Category);
        }

        [Fact]
        public void ReceiveTimeoutClosesAQuietEchoClient()
        {
            SocketSession listener = StartServer("-Echo -ReceiveTimeout 200");
            ScriptResult result = PS.Run("$q = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; $q | Receive-SocketData -Timeout 5000; $q.RemoteClosed").ThrowOnError();
            Assert.True(result.Single<bool>());
            WaitUntil(() => listener.Server!.Active == 0, "the quiet client closed");
        }

        [Fact]
        public void TheServerCountersHaveATableView()
        {
            string path = System.IO.Path.Combine(PowerShellHarness.StagedModuleDirectory, "PSSocket.Format.ps1xml");
            var view = System.Xml.Linq.XDocument.Load(path).Descendants("View")
                .Single(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value == typeof(ServerStatistics).FullName);
            Assert.Equal(
                new[] { "Mode", "State", "Accepted", "Active", "Refused", "Received", "Sent", "Local" },
                view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value));
            Assert.All(view.Descendants("PropertyName").Select(p => p.Value), p => Assert.NotNull(typeof(ServerStatistics).GetProperty(p)));
        }

        [Fact]
        public void APlainListenerHasNoServerAndNoJob()
        {
            SocketSession listener = StartServer(string.Empty);
            Assert.Null(listener.Server);
            Assert.Empty(PS.Run("Get-Job").Output);
            Assert.Null(PS.Run("$l.Job").Output.SingleOrDefault());
        }
    }
}
