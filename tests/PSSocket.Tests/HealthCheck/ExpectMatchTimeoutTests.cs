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
            PS.Run("$l = Start-SocketListener -Greeting (('a' * 28) + '!')").ThrowOnError();
            var watch = Stopwatch.StartNew();
            ScriptResult result = PS.Run(
                "$r = Test-SocketPort 127.0.0.1 $l.LocalEndPoint.Port -Expect '^(a+)+$' -Timeout 1000; $r.Status.ToString(); $r.ErrorId").ThrowOnError();
            Assert.Equal(new[] { "UnexpectedResponse", "ExpectMatchTimedOut" }, result.All<string>());
            Assert.InRange(watch.ElapsedMilliseconds, 0, 6_000);
        }
    }
}
