using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Receive-SocketData -Timeout 0 polls: what the mode asks for if it is there, else nothing, never an error.</summary>
    public class PollTests : CmdletTestBase
    {
        [Fact]
        public void NothingThereReturnsNothingWithoutAnError()
        {
            using Socket server = ConnectClientToRawServer();
            ScriptResult result = PS.Run("$client | Receive-SocketData -Timeout 0; $client | Receive-SocketData -Line -Timeout 0").ThrowOnError();
            Assert.Empty(result.Output);
        }

        [Fact]
        public void ALineIsReturnedOnlyWhenItIsWhole()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(Encoding.ASCII.GetBytes("part"));
            Assert.True(SpinWait.SpinUntil(() => (int)PS.Run("$client.Socket.Available").Output[0].BaseObject == 4, 5000));
            Assert.Empty(PS.Run("$client | Receive-SocketData -Line -Timeout 0").ThrowOnError().Output);

            server.Send(Encoding.ASCII.GetBytes("ial\nnext"));
            string? line = null;
            Assert.True(SpinWait.SpinUntil(() => (line = PS.Run("$client | Receive-SocketData -Line -Timeout 0").ThrowOnError().All<string>().FirstOrDefault()) != null, 5000));
            Assert.Equal("partial", line);
            Assert.Equal(new[] { "next" }, PS.Run("$client | Receive-SocketData -Timeout 0").ThrowOnError().All<string>());
        }

        [Fact]
        public void ADatagramPollReturnsWhatIsQueuedOrNothing()
        {
            PS.Run("$u = New-Socket -Protocol Udp -LocalAddress 127.0.0.1").ThrowOnError();
            Assert.Empty(PS.Run("$u | Receive-SocketData -Timeout 0").ThrowOnError().Output);
            PS.Run("$u | Send-SocketData 'self' -RemoteEndPoint $u.LocalEndPoint").ThrowOnError();
            ScriptResult result = PS.Run("$w = [Diagnostics.Stopwatch]::StartNew(); while ($u.DatagramsBuffered -lt 1 -and $w.ElapsedMilliseconds -lt 5000) { [Threading.Thread]::Sleep(10) }; ($u | Receive-SocketData -Timeout 0).Data").ThrowOnError();
            Assert.Equal("self", result.Output[0].BaseObject);
        }
    }
}
