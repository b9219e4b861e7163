using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using PSSocket.Hosting;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>Start-SocketListener -ScriptBlock through the cmdlets: handlers use the cmdlets on their session; the job collects what they write.</summary>
    public class ScriptBlockServerTests : ServerTestBase
    {
        // Write-Warning and Write-Error live in Microsoft.PowerShell.Utility, which the hosted engine lacks: $PSCmdlet writes instead.
        private const string Handler = @"-ScriptBlock {
    [CmdletBinding()]
    param($session, $prefix)
    $line = $session | Receive-SocketData -Line -Timeout 5000
    if ($line -eq 'boom') { throw ""cannot handle $line"" }
    if ($line -eq 'hang') { while ($true) { $null = 1 } }
    if ($line -eq 'warn') {
        $PSCmdlet.WriteWarning('careful')
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([System.Exception]::new('soft failure'), 'SoftFailure', 'NotSpecified', $null))
    }
    $session | Send-SocketData ""$prefix$line$suffix"" -Line
    [pscustomobject]@{ Line = $line; Client = $session.RemoteEndPoint.ToString() }
} -ArgumentList 'you said: ' -Variable @{ suffix = '!' }";

        [Fact]
        public void EveryObjectAHandlerWritesReachesTheJobInOrder()
        {
            SocketSession listener = StartServer("-ScriptBlock { param($session) 1..3000; $session | Close-Socket }");
            PS.Run("Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port | Receive-SocketData -ToEnd -Timeout 5000 | Out-Null").ThrowOnError();
            WaitUntil(() => listener.Server!.Active == 0, "the handler done");
            ScriptResult output = PS.Run("Receive-Job $l.Job").ThrowOnError();
            Assert.Equal(Enumerable.Range(1, 3000), output.Output.Select(o => (int)o.BaseObject));
        }

        [Fact]
        public void TheHandlerTalksWithTheCmdletsAndItsOutputIsReceivedFromTheJob()
        {
            SocketSession listener = StartServer(Handler);
            ScriptResult replies = PS.Run(@"
$a = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$b = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$a | Send-SocketData 'one' -Line
$b | Send-SocketData 'two' -Line
$a | Receive-SocketData -ToEnd -Timeout 5000
$b | Receive-SocketData -ToEnd -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "you said: one!\n", "you said: two!\n" }, replies.All<string>());

            WaitUntil(() => listener.Server!.Active == 0, "both handlers done");
            ScriptResult output = PS.Run("Receive-Job $l.Job").ThrowOnError();
            var lines = output.Output.Select(o => o.Properties["Line"].Value.ToString()!).OrderBy(s => s).ToArray();
            Assert.Equal(new[] { "one", "two" }, lines);
            Assert.Equal(
                PS.Run("$a.LocalEndPoint.ToString(), $b.LocalEndPoint.ToString()").All<string>().OrderBy(s => s),
                output.Output.Select(o => o.Properties["Client"].Value.ToString()!).OrderBy(s => s));
            Assert.False((bool)PS.Run("$l.Job.HasMoreData").Output[0].BaseObject);
        }

        [Fact]
        public void AHandlerThatThrowsFailsOnlyItsConnectionAndTheErrorIsReceivedFromTheJob()
        {
            SocketSession listener = StartServer(Handler);
            ScriptResult failed = PS.Run(@"
$bad = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$bad | Send-SocketData 'boom' -Line
$bad | Receive-SocketData -ToEnd -Timeout 5000 -AsByteArray
$good = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$good | Send-SocketData 'fine' -Line
$good | Receive-SocketData -ToEnd -Timeout 5000").ThrowOnError();
            Assert.Empty((byte[])failed.Output[0].BaseObject);
            Assert.Equal("you said: fine!\n", (string)failed.Output[1].BaseObject);

            WaitUntil(() => listener.Server!.Active == 0, "both handlers done");
            ScriptResult received = PS.Run("Receive-Job $l.Job");
            Assert.Equal(new[] { "HandlerFailed" }, received.ErrorIds);
            ErrorRecord error = received.Errors.Single();
            Assert.Equal(ErrorCategory.OperationStopped, error.CategoryInfo.Category);
            Assert.Contains("cannot handle boom", error.Exception.Message, System.StringComparison.Ordinal);
            Assert.Equal(PS.Run("$bad.LocalEndPoint").Output[0].BaseObject, ((SocketSession)error.TargetObject).RemoteEndPoint);
            Assert.Single(received.Output);
            Assert.Equal("Running", PS.Run("$l.Job.State.ToString()").Single<string>());
        }

        [Fact]
        public void AHungHandlerIsStoppedAfterHandlerTimeoutAndItsConnectionClosed()
        {
            SocketSession listener = StartServer(Handler + " -HandlerTimeout 2000"); // long enough for the second handler to run on a busy machine
            var watch = Stopwatch.StartNew();
            ScriptResult hung = PS.Run(@"
$h = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$h | Send-SocketData 'hang' -Line
$h | Receive-SocketData -ToEnd -Timeout 10000 -AsByteArray").ThrowOnError();
            Assert.Empty((byte[])hung.Output[0].BaseObject);
            Assert.InRange(watch.ElapsedMilliseconds, 1900, 15000);

            Assert.Equal("you said: next!\n", PS.Run(@"
$n = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$n | Send-SocketData 'next' -Line
$n | Receive-SocketData -ToEnd -Timeout 5000").Single<string>());
            WaitUntil(() => listener.Server!.Active == 0, "both handlers done");
            ScriptResult received = PS.Run("Receive-Job $l.Job");
            Assert.Equal(new[] { "HandlerTimedOut" }, received.ErrorIds);
            Assert.Equal(ErrorCategory.OperationTimeout, received.Errors[0].CategoryInfo.Category);
        }

        [Fact]
        public void WarningsAndNonTerminatingErrorsOfAHandlerReachTheJobsStreams()
        {
            SocketSession listener = StartServer(Handler);
            Assert.Equal("you said: warn!\n", PS.Run(@"
$w = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$w | Send-SocketData 'warn' -Line
$w | Receive-SocketData -ToEnd -Timeout 5000").Single<string>());
            WaitUntil(() => listener.Server!.Active == 0, "the handler done");

            var job = PS.Run("$l.Job").Single<SocketListenerJob>();
            Assert.Equal("careful", job.Warning.Single().Message);
            Assert.Equal("SoftFailure", job.Error.Single().FullyQualifiedErrorId.Split(',')[0]);
            Assert.Single(job.Output);
        }

        [Fact]
        public void ConnectionsBeyondTheThrottleLimitQueueAndAreServedInTurn()
        {
            SocketSession listener = StartServer(Handler + " -ThrottleLimit 1");
            PS.Run(@"
$q1 = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$q2 = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port
$q3 = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port").ThrowOnError();
            WaitUntil(() => listener.Server!.Queued == 2, "two connections waiting for the one runspace");
            Assert.Equal(3, listener.Server!.Active);

            ScriptResult replies = PS.Run(@"
$q3, $q2, $q1 | Send-SocketData -Data 'x' -Line
$q1, $q2, $q3 | Receive-SocketData -ToEnd -Timeout 5000").ThrowOnError();
            Assert.Equal(Enumerable.Repeat("you said: x!\n", 3), replies.All<string>());
            WaitUntil(() => listener.Server.Queued == 0 && listener.Server.Active == 0, "the queue drained");
        }

        [Fact]
        public void ClosingABusyListenerStopsItsHandlersPromptly()
        {
            SocketSession listener = StartServer(Handler + " -ThrottleLimit 2");
            PS.Run(@"
$busy = 1..3 | ForEach-Object { Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port }
$busy[0], $busy[1] | Send-SocketData -Data 'hang' -Line").ThrowOnError();
            WaitUntil(() => listener.Server!.Queued == 1, "two handlers hung, one connection queued");

            var watch = Stopwatch.StartNew();
            PS.Run("$l | Close-Socket").ThrowOnError();
            Assert.InRange(watch.ElapsedMilliseconds, 0, 3000);

            // Handlers stop in the background; the job records the end.
            WaitUntil(() => PS.Run("$l.Job.State.ToString()").Single<string>() == "Completed", "the job completed");
            Assert.Equal(0, listener.Server!.Active);
            Assert.Empty(PS.Run("Get-Socket -Role Accepted").Output);
            ScriptResult ends = PS.Run("$busy | ForEach-Object { $null = $_ | Receive-SocketData -ToEnd -Timeout 5000; $_.RemoteClosed }").ThrowOnError();
            Assert.Equal(new[] { true, true, true }, ends.All<bool>());
            Assert.Empty(PS.Run("Receive-Job $l.Job").AllErrors);
        }
    }
}
