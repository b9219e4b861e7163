using System.Linq;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Wait-SocketConnection -Active, -Accepted and -Served: waits for a background server's counters.</summary>
    public class ServerWaitTests : CmdletTestBase
    {
        [Fact]
        public void WaitsUntilClientsAreActiveThenServed()
        {
            PS.Run("$l = Start-SocketListener -Port 0 -Echo; $a = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 15000; $b = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 15000").ThrowOnError();
            ServerStatistics active = PS.Run("$l | Wait-SocketConnection -Active 2 -Timeout 15000").ThrowOnError().Single<ServerStatistics>();
            Assert.True(active.Active >= 2);

            PS.Run("$a, $b | Close-Socket").ThrowOnError();
            ServerStatistics served = PS.Run("$l | Wait-SocketConnection -Served 2 -Accepted 2 -Timeout 15000").ThrowOnError().Single<ServerStatistics>();
            Assert.Equal(2, served.Accepted);
        }

        [Fact]
        public void TimesOutWithItsOwnErrorAndNeedsAServer()
        {
            PS.Run("$l = Start-SocketListener -Port 0 -Echo; $plain = Start-SocketListener -Port 0").ThrowOnError();
            Assert.Equal(new[] { "ServerWaitTimedOut" }, PS.Run("$l | Wait-SocketConnection -Active 1 -Timeout 100").ErrorIds);
            Assert.Equal(new[] { "NoServer" }, PS.Run("$plain | Wait-SocketConnection -Accepted 1 -Timeout 100").ErrorIds);
        }

        [Fact]
        public void AServerThatStopsEndsTheWait()
        {
            SocketSession listener = PS.Run("$l = Start-SocketListener -Port 0 -Echo; $l").ThrowOnError().Single<SocketSession>();
            var closer = System.Threading.Tasks.Task.Run(async () =>
            {
                await System.Threading.Tasks.Task.Delay(300);
                listener.Close();
            });
            Assert.Equal(new[] { "ServerStopped" }, PS.Run("$l | Wait-SocketConnection -Accepted 5 -Timeout 60000").ErrorIds);
            closer.Wait();
        }
    }
}
