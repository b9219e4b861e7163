using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Ctrl+C (PowerShell.Stop from another thread) ends blocking calls promptly and loses nothing.</summary>
    public class CancellationTests : CmdletTestBase
    {
        /// <summary>Loose enough for a busy 2-core machine; the 200 ms aim is measured where timing is quiet.</summary>
        private const int PromptMilliseconds = 3000;

        /// <summary>Issue 10 saw 3 of 30 stops of a piped session's connect hang: many rounds, each stopped at another moment.</summary>
        private const int StopRounds = 100;
        private readonly ITestOutputHelper _output;

        public CancellationTests(ITestOutputHelper output)
        {
            _output = output;
        }

        /// <summary>Starts <paramref name="script"/>, stops it once it is blocked, and returns how long Stop took.</summary>
        private long StopWhileBlocked(string script)
        {
            // The runspace runs pipelines on the invoking thread, so BeginInvoke would block here: use a thread of our own.
            using PowerShell pipeline = PS.CreatePipeline(script);
            Task running = Task.Factory.StartNew(() => pipeline.Invoke(), TaskCreationOptions.LongRunning);
            Assert.False(running.Wait(300), "the pipeline should be blocked before it is stopped");
            var watch = Stopwatch.StartNew();
            pipeline.Stop();
            Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(5000), "the pipeline did not stop");
            long elapsed = watch.ElapsedMilliseconds;
            Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
            _output.WriteLine($"stopped in {elapsed} ms");
            return elapsed;
        }

        [Fact]
        public void StoppingABlockedReceiveLeavesTheSessionUsableWithNoByteLost()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(Encoding.UTF8.GetBytes("partial"));
            Assert.InRange(StopWhileBlocked("$client | Receive-SocketData -Line -Timeout -1"), 0, PromptMilliseconds);

            server.Send(Encoding.UTF8.GetBytes(" line\nnext"));
            ScriptResult result = PS.Run("$client | Receive-SocketData -Line -Timeout 5000; $client | Receive-SocketData -Count 4 -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "partial line", "next" }, result.All<string>());
        }

        [Fact]
        public void StoppingABlockedAcceptKeepsTheListenerAccepting()
        {
            PS.Run("$l = Start-SocketListener").ThrowOnError();
            Assert.InRange(StopWhileBlocked("$l | Wait-SocketConnection -Timeout -1"), 0, PromptMilliseconds);
            ScriptResult result = PS.Run("$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port; ($l | Wait-SocketConnection -Timeout 5000).RemoteEndPoint -eq $c.LocalEndPoint").ThrowOnError();
            Assert.Equal(true, result.Output[0].BaseObject);
        }

        [Fact]
        public void StoppingABlockedConnectLeavesNothingOpen()
        {
            using var unanswered = new UnansweredEndPoint();
            Assert.InRange(StopWhileBlocked($"Connect-Socket 127.0.0.1 {unanswered.Port} -Timeout -1"), 0, PromptMilliseconds);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void StoppingABlockedConnectOfAPipedSessionKeepsItForAnotherTry()
        {
            using var unanswered = new UnansweredEndPoint();
            PS.Run("$s = New-Socket").ThrowOnError();
            Assert.InRange(StopWhileBlocked($"$s | Connect-Socket 127.0.0.1 {unanswered.Port} -Timeout -1"), 0, PromptMilliseconds);
            ScriptResult result = PS.Run("$l = Start-SocketListener; ($s | Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port).State").ThrowOnError();
            Assert.Equal("Connected", result.Output[0].ToString());
        }

        [Fact]
        public void EveryStopOfAPipedSessionsConnectReturnsPromptly()
        {
            using var unanswered = new UnansweredEndPoint();
            PS.Run("$s = New-Socket").ThrowOnError();
            var random = new Random(15);
            var stops = new List<long>();
            for (int round = 0; round < StopRounds; round++)
            {
                using PowerShell pipeline = PS.CreatePipeline($"$s | Connect-Socket 127.0.0.1 {unanswered.Port} -Timeout -1");
                Task running = Task.Factory.StartNew(() => pipeline.Invoke(), TaskCreationOptions.LongRunning);
                Assert.True(SpinWait.SpinUntil(() => pipeline.InvocationStateInfo.State == PSInvocationState.Running, 10000));
                Thread.Sleep(random.Next(0, 30));
                var watch = Stopwatch.StartNew();
                pipeline.Stop();
                bool ended = ((IAsyncResult)running).AsyncWaitHandle.WaitOne(10000);
                stops.Add(watch.ElapsedMilliseconds);
                Assert.True(ended, $"round {round}: the connect did not stop within 10 s");
            }

            _output.WriteLine($"{StopRounds} stops: median {stops.OrderBy(x => x).ElementAt(StopRounds / 2)} ms, max {stops.Max()} ms");
            Assert.All(stops, ms => Assert.InRange(ms, 0, PromptMilliseconds));
            Assert.Equal("Created", PS.Run("$s.State").ThrowOnError().Output[0].ToString());
        }
    }
}
