using System.Diagnostics;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>Closing a server's listener returns at once; the server stops in the background and says how it ended.</summary>
    public sealed class ListenerCloseTests : ServerEngineTestBase
    {
        public ListenerCloseTests()
            : base(waitMs: 10_000)
        {
        }

        [Fact]
        public void ClosingTheListenerDoesNotWaitForAHandlerStuckInADotNetCall()
        {
            var handler = new ScriptHandler(
                "param($s) $s | Send-SocketData go; [System.Threading.Thread]::Sleep(20000)", null, null, PowerShellHarness.ManifestPath, 2, -1);
            (SocketServer server, CollectingReporter reporter) = Serve(handler, new ServerOptions { StopTimeout = 4000 });
            Assert.Equal(2, Connect(server).Receive(new byte[2]));

            var watch = Stopwatch.StartNew();
            server.Listener.Close();
            Assert.InRange(watch.ElapsedMilliseconds, 0, 2000);
            Assert.False(server.IsStopped);
            Assert.Equal(ServerState.Stopping, server.Statistics.State);

            Assert.True(server.WaitForStop(15_000), "the server did not finish stopping in the background");
            Assert.Equal(ServerState.Stopped, server.Statistics.State);
            Assert.Contains(reporter.Errors, e => e.ErrorId == ErrorIds.HandlerTimedOut);
        }
    }
}
