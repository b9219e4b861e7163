using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>The script-block mode's runner directly: a runspace pool importing the staged module, handlers isolated per connection.</summary>
    public sealed class ScriptHandlerEngineTests : ServerEngineTestBase
    {
        public ScriptHandlerEngineTests()
            : base(waitMs: 10_000)
        {
        }

        private (SocketServer server, CollectingReporter reporter) Serve(
            string script,
            object?[]? arguments = null,
            Dictionary<string, object?>? variables = null,
            int throttleLimit = 4,
            int handlerTimeout = -1,
            int stopTimeout = ServerOptions.DefaultStopTimeout)
        {
            var handler = new ScriptHandler(script, arguments, variables, PowerShellHarness.ManifestPath, throttleLimit, handlerTimeout);
            return Serve(handler, new ServerOptions { StopTimeout = stopTimeout });
        }

        private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        private const string LineHandler = @"
param($session, $prefix)
$line = $session | Receive-SocketData -Line -Timeout 10000
if ($line -eq 'boom') { throw ""boom from $line"" }
if ($line -eq 'hang') { while ($true) { $null = 1 } }
$session | Send-SocketData ""$prefix$line$suffix"" -Line
""handled $line""
";

        [Fact]
        public void EachConnectionRunsTheHandlerWithItsSessionArgumentsAndVariablesThenCloses()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(
                LineHandler, new object?[] { "you said: " }, new Dictionary<string, object?> { ["suffix"] = "!" });
            Socket first = Connect(server);
            Socket second = Connect(server);
            second.Send(Bytes("two\n"));
            first.Send(Bytes("one\n"));

            Assert.Equal("you said: one!\n", Text(RawPeer.ReceiveToEnd(first)));
            Assert.Equal("you said: two!\n", Text(RawPeer.ReceiveToEnd(second)));
            WaitUntil(() => server.Statistics.Active == 0 && reporter.Outputs.Count == 2, "both handlers done");
            Assert.Equal(new[] { "handled one", "handled two" }, reporter.Outputs.Select(o => o.ToString()).OrderBy(s => s));
            Assert.Empty(reporter.Errors);
            Assert.Equal(2, server.Statistics.Accepted);
            Assert.Equal(8, server.Statistics.BytesReceived);
            Assert.Equal(30, server.Statistics.BytesSent);
        }

        [Fact]
        public void AThrowingHandlerFailsOnlyItsOwnConnection()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(LineHandler);
            Socket failing = Connect(server);
            Socket fine = Connect(server);
            failing.Send(Bytes("boom\n"));
            Assert.Empty(RawPeer.ReceiveToEnd(failing));

            fine.Send(Bytes("fine\n"));
            Assert.Equal("fine\n", Text(RawPeer.ReceiveToEnd(fine)));
            WaitUntil(() => server.Statistics.Active == 0, "both connections closed");

            SocketSessionException error = Assert.Single(reporter.Errors);
            Assert.Equal(ErrorIds.HandlerFailed, error.ErrorId);
            Assert.Contains("boom from boom", error.Message, StringComparison.Ordinal);
            var target = Assert.IsType<SocketSession>(error.Target);
            Assert.Equal(failing.LocalEndPoint, target.RemoteEndPoint);
            Assert.IsAssignableFrom<RuntimeException>(error.InnerException);
        }

        [Fact]
        public void AHungHandlerIsStoppedByItsTimeoutAndItsConnectionClosed()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(LineHandler, throttleLimit: 1, handlerTimeout: 300);
            Socket hung = Connect(server);
            hung.Send(Bytes("hang\n"));
            var watch = Stopwatch.StartNew();
            Assert.Empty(RawPeer.ReceiveToEnd(hung));
            Assert.InRange(watch.ElapsedMilliseconds, 100, 5000);

            // The one runspace is free again: the next client is served.
            Socket next = Connect(server);
            next.Send(Bytes("next\n"));
            Assert.Equal("next\n", Text(RawPeer.ReceiveToEnd(next)));

            SocketSessionException error = Assert.Single(reporter.Errors);
            Assert.Equal(ErrorIds.HandlerTimedOut, error.ErrorId);
            Assert.Equal(hung.LocalEndPoint, Assert.IsType<SocketSession>(error.Target).RemoteEndPoint);
        }

        [Fact]
        public void ConnectionsBeyondTheThrottleLimitWaitTheirTurn()
        {
            (SocketServer server, _) = Serve(LineHandler, throttleLimit: 1);
            Socket first = Connect(server);
            Socket second = Connect(server);
            Socket third = Connect(server);
            WaitUntil(() => server.Statistics.Queued == 2, "two connections queued");
            Assert.Equal(3, server.Statistics.Active);

            third.Send(Bytes("third\n"));
            second.Send(Bytes("second\n"));
            Thread.Sleep(100);
            Assert.Equal(0, third.Available);
            first.Send(Bytes("first\n"));

            Assert.Equal("first\n", Text(RawPeer.ReceiveToEnd(first)));
            Assert.Equal("second\n", Text(RawPeer.ReceiveToEnd(second)));
            Assert.Equal("third\n", Text(RawPeer.ReceiveToEnd(third)));
            WaitUntil(() => server.Statistics.Queued == 0 && server.Statistics.Active == 0, "the queue drained");
        }

        [Fact]
        public void ClosingTheListenerStopsRunningHandlersAndClosesQueuedConnections()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(LineHandler, throttleLimit: 1);
            Socket running = Connect(server);
            running.Send(Bytes("hang\n"));
            Socket queued = Connect(server);
            WaitUntil(() => server.Statistics.Queued == 1, "one queued");

            var watch = Stopwatch.StartNew();
            server.Listener.Close();
            Assert.True(server.WaitForStop(4000));
            Assert.InRange(watch.ElapsedMilliseconds, 0, 4000);
            Assert.Empty(RawPeer.ReceiveToEnd(running));
            Assert.Empty(RawPeer.ReceiveToEnd(queued));
            Assert.Equal(0, server.Statistics.Active);
            Assert.Equal(0, server.Statistics.Queued);
            Assert.Empty(reporter.Errors);
            Assert.Empty(Registry.Snapshot());
        }

        [Fact]
        public void AHandlerStuckInADotNetCallIsAbandonedAfterTheStopTimeout()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(
                "param($s) [System.Threading.Thread]::Sleep(3000)", stopTimeout: 300);
            Connect(server);
            WaitUntil(() => server.Statistics.Active == 1, "accepted");
            Thread.Sleep(300);

            var watch = Stopwatch.StartNew();
            server.Listener.Close();
            Assert.True(server.WaitForStop(2500));
            Assert.InRange(watch.ElapsedMilliseconds, 0, 2500);
            Assert.Contains(reporter.Errors, e => e.ErrorId == ErrorIds.HandlerTimedOut);
        }

        [Fact]
        public void AModuleThePoolCannotImportFailsTheStart()
        {
            SocketSession listener = TestSessions.CreateListener(new SocketSettings(), Registry, new IPEndPoint(IPAddress.Loopback, 0), 4);
            var handler = new ScriptHandler("param($s)", null, null, "/nonexistent/PSSocket.psd1", 1, -1);
            var server = new SocketServer(listener, handler, new ServerOptions());
            Assert.ThrowsAny<Exception>(server.Start);
            Assert.Null(listener.Server);
            Assert.Equal(SocketState.Listening, listener.State);
        }
    }
}
