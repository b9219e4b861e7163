using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.HealthCheck
{
    /// <summary>Test-SocketPort's progress bar on checks that run longer than half a second, and its silence under $ProgressPreference.</summary>
    public class PortCheckProgressTests : CmdletTestBase
    {
        private static readonly Regex Tally = new Regex(@"^\d+ of 2 checked: \d+ open, \d+ refused, \d+ timed out, \d+ other$");

        [Fact]
        public void ALongCheckWritesTheTallyAndTheEndPointItWaitsFor()
        {
            using var unanswered = new UnansweredEndPoint();
            using PowerShell pipeline = PS.CreatePipeline(
                $"$open = Start-SocketListener; Test-SocketPort 127.0.0.1 -Port {unanswered.Port}, $open.LocalEndPoint.Port -Timeout 1500; $open | Close-Socket");
            var results = pipeline.Invoke();
            Assert.False(pipeline.HadErrors);
            Assert.Equal(new[] { "TimedOut", "Open" }, results.Select(r => (string)r.Properties["Status"].Value));

            var records = pipeline.Streams.Progress.ToList();
            Assert.True(records.Count >= 2, $"expected progress records, got {records.Count}");
            Assert.All(records, r => Assert.Matches(Tally, r.StatusDescription));
            Assert.All(records.SkipLast(1), r =>
            {
                Assert.Equal(ProgressRecordType.Processing, r.RecordType);
                Assert.Equal("Test-SocketPort", r.Activity);
                Assert.InRange(r.PercentComplete, 0, 100);
            });
            Assert.Contains(records, r => r.CurrentOperation == $"Waiting for 127.0.0.1:{unanswered.Port}");
            ProgressRecord last = records.Last();
            Assert.Equal(ProgressRecordType.Completed, last.RecordType);
            Assert.Equal("2 of 2 checked: 1 open, 0 refused, 1 timed out, 0 other", last.StatusDescription);
        }

        [Fact]
        public void ProgressIsSilencedByProgressPreference()
        {
            using var unanswered = new UnansweredEndPoint();
            using PowerShell pipeline = PS.CreatePipeline($"$ProgressPreference = 'SilentlyContinue'; Test-SocketPort 127.0.0.1 -Port {unanswered.Port} -Timeout 1200");
            var results = pipeline.Invoke();
            Assert.Equal("TimedOut", (string)results.Single().Properties["Status"].Value);
            Assert.Empty(pipeline.Streams.Progress);
        }
    }
}
