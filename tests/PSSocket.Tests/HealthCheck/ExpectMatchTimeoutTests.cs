using System.Diagnostics;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.HealthCheck
{
    /// <summary>Test-SocketPort -Expect: a pattern that backtracks without end is stopped by -Timeout, with its own id.</summary>
    public sealed class ExpectMatchTimeoutTests : CmdletTestBase
    {
        [Fact]
        public void ACatastrophicPatternIsStoppedByTheTimeoutWithExpectMatchTimedOut()
        {
            // 34 a's: the backtracking would take minutes, so only the timeout ends it; -Timeout 3000 leaves a busy
            // machine time to connect and read the greeting before the match starts.
            PS.Run("$l = Start-SocketListener -Greeting (('a' * 34) + '!')").ThrowOnError();
            var watch = Stopwatch.StartNew();
            ScriptResult result = PS.Run(
                "$r = Test-SocketPort 127.0.0.1 $l.LocalEndPoint.Port -Expect '^(a+)+$' -Timeout 3000; $r.Status.ToString(); $r.ErrorId").ThrowOnError();
            Assert.Equal(new[] { "UnexpectedResponse", "ExpectMatchTimedOut" }, result.All<string>());
            Assert.InRange(watch.ElapsedMilliseconds, 0, 15_000);
        }
    }
}
