using System.Diagnostics;
using System.Text;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>A stop that comes while a handler is starting (its slot taken, its pipeline not yet invoked) still stops it.</summary>
    public sealed class ScriptHandlerStopRaceTests : ServerEngineTestBase
    {
        public ScriptHandlerStopRaceTests()
            : base(waitMs: 10_000)
        {
        }

        [Fact]
        public void AHandlerStartingWhileTheServerStopsIsStoppedToo()
        {
            var handler = new ScriptHandler(
                "param($s) while ($true) { Start-Sleep -Milliseconds 20 }", null, null, PowerShellHarness.ManifestPath, throttleLimit: 2, handlerTimeout: -1);
            // A missed stop leaves the endless handler running until the stop timeout abandons it (HandlerTimedOut);
            // the timeout is long, so a slow but proper stop on a busy machine is never mistaken for that.
            (SocketServer server, CollectingReporter reporter) = Serve(handler, new ServerOptions { StopTimeout = 20_000 });
            Connect(server); // silent: takes the one slot for silent clients
            WaitUntil(() => server.Statistics.Active == 1, "the first handler started");
            var talker = Connect(server);
            WaitUntil(() => server.Statistics.AwaitingData == 1, "the second waits for data");

            int once = 0;
            handler.BeforeInvoke = () =>
            {
                if (Interlocked.Exchange(ref once, 1) == 0)
                {
                    server.Listener.Close();
                    Wait.Until(() => handler.IsStopping, "the handlers told to stop", 5_000);
                }
            };
            talker.Send(Encoding.ASCII.GetBytes("x"));

            var watch = Stopwatch.StartNew();
            Assert.True(server.WaitForStop(30_000), "the server did not stop");
            Assert.Equal(1, once);
            Assert.DoesNotContain(reporter.Errors, e => e.ErrorId == ErrorIds.HandlerTimedOut);
            Assert.InRange(watch.ElapsedMilliseconds, 0, 15_000);
        }
    }
}
