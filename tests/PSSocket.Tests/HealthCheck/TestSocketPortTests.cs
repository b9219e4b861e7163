using System;
using System.Collections;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.HealthChecks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Tests.Tls;
using Xunit;

namespace PSSocket.Tests.HealthCheck
{
    /// <summary>Test-SocketPort through the hosted engine: statuses, ports and targets from parameters and the pipeline, -Quiet, probes, TLS, serialization, -Parallel, Ctrl+C.</summary>
    public class TestSocketPortTests : CmdletTestBase
    {
        private static PortCheckResult Only(ScriptResult result) => result.Single<PortCheckResult>();

        [Fact]
        public void AnOpenAndAClosedPortAreReportedInTheOrderGiven()
        {
            using Socket listener = RawPeer.Listen();
            int open = RawPeer.PortOf(listener);
            int closed = RawPeer.ClosedPort();
            var results = PS.Run($"Test-SocketPort 127.0.0.1 {closed}, {open} -Timeout 5000").ThrowOnError().All<PortCheckResult>();

            Assert.Equal(new[] { closed, open }, results.Select(r => r.Port));
            PortCheckResult refused = results[0];
            Assert.Equal(PortStatus.Refused, refused.Status);
            Assert.False(refused.Success);
            Assert.Equal("ConnectionRefused", refused.SocketError);
            Assert.Equal("ConnectionRefused", refused.ErrorId);
            Assert.Equal("127.0.0.1", refused.RemoteAddress);

            PortCheckResult ok = results[1];
            Assert.Equal(PortStatus.Open, ok.Status);
            Assert.True(ok.Success);
            Assert.Equal("127.0.0.1", ok.ComputerName);
            Assert.Equal("127.0.0.1", ok.RemoteAddress);
            Assert.InRange(ok.LatencyMs!.Value, 0, 5000);
            Assert.Null(ok.ErrorId);
            Assert.Null(ok.SocketError);
            Assert.Null(ok.TlsProtocol);
        }

        [Fact]
        public void TheFormatFileShowsResultsAsATableLiveOrDeserialized()
        {
            string path = System.IO.Path.Combine(PowerShellHarness.StagedModuleDirectory, "PSSocket.Format.ps1xml");
            _ = new System.Management.Automation.Runspaces.FormatTable(new[] { path });
            var views = System.Xml.Linq.XDocument.Load(path).Descendants("View").ToDictionary(v => v.Element("Name")!.Value);
            var live = views["PSSocket.HealthChecks.PortCheckResult"];
            var remote = views["PSSocket.HealthChecks.PortCheckResult.Remote"];
            Assert.Equal(new[] { "PSSocket.HealthChecks.PortCheckResult" }, live.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value));
            Assert.Equal(new[] { "Deserialized.PSSocket.HealthChecks.PortCheckResult" }, remote.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value));
            string[] liveColumns = live.Descendants("Label").Select(l => l.Value).ToArray();
            Assert.Equal(liveColumns.Where(c => c != "RemoteAddress"), remote.Descendants("Label").Select(l => l.Value));
            Assert.All(live.Descendants("PropertyName").Select(p => p.Value), p => Assert.NotNull(typeof(PortCheckResult).GetProperty(p)));
        }

        [Fact]
        public void PortsComeAsListsAndRangesInStrings()
        {
            int first = RawPeer.ClosedPort();
            int low = Math.Min(first, 65530);
            var results = PS.Run($"Test-SocketPort 127.0.0.1 -Port '{low},{low + 2}-{low + 4}', {low + 1}, {low} -Timeout 5000").ThrowOnError().All<PortCheckResult>();
            Assert.Equal(new[] { low, low + 2, low + 3, low + 4, low + 1 }, results.Select(r => r.Port));

            ScriptResult bad = PS.Run("Test-SocketPort 127.0.0.1 -Port '80-70000'");
            Assert.Equal(new[] { "ParameterArgumentTransformationError" }, bad.ErrorIds);
            Assert.Equal(new[] { "ParameterArgumentValidationError" }, PS.Run("Test-SocketPort 127.0.0.1 -Port 0").ErrorIds);
        }

        [Fact]
        public void APortThatNeverAnswersTimesOut()
        {
            using var unanswered = new UnansweredEndPoint();
            PortCheckResult result = Only(PS.Run($"Test-SocketPort 127.0.0.1 {unanswered.Port} -Timeout 300"));
            Assert.Equal(PortStatus.TimedOut, result.Status);
            Assert.Equal("ConnectTimedOut", result.ErrorId);
            Assert.InRange(result.LatencyMs!.Value, 250, 3000);
        }

        [Fact]
        public void ChecksRunInParallelSoManyTimeoutsTakeAboutOne()
        {
            using var unanswered = new UnansweredEndPoint();
            var watch = Stopwatch.StartNew();
            var results = PS.Run($"Test-SocketPort -ComputerName (1..40 | ForEach-Object {{ '127.0.0.1' }}) -Port {unanswered.Port} -Timeout 400 -ThrottleLimit 100").ThrowOnError().All<PortCheckResult>();
            Assert.Equal(40, results.Count);
            Assert.All(results, r => Assert.Equal(PortStatus.TimedOut, r.Status));
            Assert.InRange(watch.ElapsedMilliseconds, 350, 10_000); // 40 in turn would take 16 s
        }

        [Fact]
        public void ANameThatDoesNotResolveIsNameNotResolved()
        {
            PortCheckResult result = Only(PS.Run("Test-SocketPort no-such-host.invalid 80 -Timeout 5000"));
            Assert.Equal(PortStatus.NameNotResolved, result.Status);
            Assert.Equal("NameNotResolved", result.ErrorId);
            Assert.Null(result.RemoteAddress);
            Assert.Null(result.LatencyMs);
        }

        [Fact]
        public void EveryAddressOfANameIsTried()
        {
            using Socket listener = RawPeer.Listen();
            HostResolver.TestHosts["first-refuses.check.pssocket.test"] = new[] { IPAddress.Parse("127.0.0.2"), IPAddress.Loopback };
            PortCheckResult result = Only(PS.Run($"Test-SocketPort first-refuses.check.pssocket.test {RawPeer.PortOf(listener)} -Timeout 5000"));
            Assert.Equal(PortStatus.Open, result.Status);
            Assert.Equal("127.0.0.1", result.RemoteAddress);
        }

        [Fact]
        public void TargetsBindFromThePipelineByValueAndByPropertyName()
        {
            using Socket listener = RawPeer.Listen();
            int open = RawPeer.PortOf(listener);
            int closed = RawPeer.ClosedPort();
            var byName = PS.Run(
                $"[pscustomobject]@{{ ComputerName = '127.0.0.1'; Port = {open} }}, [pscustomobject]@{{ HostName = '127.0.0.1'; Port = '{closed},{open}' }} | Test-SocketPort -Timeout 5000")
                .ThrowOnError().All<PortCheckResult>();
            Assert.Equal(new[] { (open, PortStatus.Open), (closed, PortStatus.Refused), (open, PortStatus.Open) }, byName.Select(r => (r.Port, r.Status)));

            var byValue = PS.Run($"'127.0.0.1', '127.0.0.1' | Test-SocketPort -Port {open} -Timeout 5000").ThrowOnError().All<PortCheckResult>();
            Assert.Equal(2, byValue.Count);
            Assert.All(byValue, r => Assert.True(r.Success));
        }

        [Fact]
        public void QuietWritesOneBooleanPerTarget()
        {
            using Socket listener = RawPeer.Listen();
            int open = RawPeer.PortOf(listener);
            int closed = RawPeer.ClosedPort();
            ScriptResult result = PS.Run(
                $"Test-SocketPort 127.0.0.1, no-such-host.invalid -Port {open} -Quiet -Timeout 5000; Test-SocketPort 127.0.0.1 -Port {open}, {closed} -Quiet -Timeout 5000").ThrowOnError();
            Assert.Equal(new object[] { true, false, false }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void AProbeThatGetsTheExpectedReplyIsOpenAndOneThatDoesNotIsUnexpectedResponse()
        {
            using var redis = new LoopbackServer(async (socket, token) =>
            {
                while (await LoopbackServer.ReadLine(socket, token) == "PING")
                {
                    await LoopbackServer.Send(socket, "+PONG\r\n", token);
                }
            });

            PortCheckResult pong = Only(PS.Run($"Test-SocketPort 127.0.0.1 {redis.Port} -Send \"PING`r`n\" -Expect '^\\+pong' -Timeout 5000"));
            Assert.Equal(PortStatus.Open, pong.Status);
            Assert.Equal("+PONG\r\n", pong.Response);

            PortCheckResult wrong = Only(PS.Run($"Test-SocketPort 127.0.0.1 {redis.Port} -Send \"PING`r`n\" -Expect '^\\+OK' -Timeout 3000"));
            Assert.Equal(PortStatus.UnexpectedResponse, wrong.Status);
            Assert.Equal("UnexpectedResponse", wrong.ErrorId);
            Assert.Equal("+PONG\r\n", wrong.Response);
            Assert.False(wrong.Success);
        }

        [Fact]
        public void ABannerIsMatchedWithoutSendingAnything()
        {
            using var ssh = new LoopbackServer(async (socket, token) =>
            {
                await LoopbackServer.Send(socket, "SSH-2.0-PSSocketTest\r\n", token);
                await Task.Delay(2000, token);
            });
            PortCheckResult result = Only(PS.Run($"Test-SocketPort 127.0.0.1 {ssh.Port} -Expect '^SSH-2\\.0-' -Timeout 5000"));
            Assert.Equal(PortStatus.Open, result.Status);
        }

        [Fact]
        public void AnInvalidExpectPatternStopsTheCommand()
        {
            Assert.Equal(new[] { "InvalidPattern" }, PS.Run("Test-SocketPort 127.0.0.1 80 -Expect '(unclosed'").ErrorIds);
        }

        [Fact]
        public void UseTlsAddsTheProtocolAndCertificateFacts()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            PS.SetVariable("ca", TestCertificates.CaPublic);
            PortCheckResult result = Only(PS.Run($"Test-SocketPort localhost {server.Port} -UseTls -TrustedCertificate $ca -AddressFamily IPv4 -Send \"ping`n\" -Expect PING -Timeout 5000"));
            Assert.Equal(PortStatus.Open, result.Status);
            Assert.Equal("Tls13", result.TlsProtocol);
            Assert.StartsWith("TLS_", result.TlsCipherSuite);
            Assert.Equal("CN=localhost", result.CertificateSubject);
            Assert.Equal(TestCertificates.Ca.Subject, result.CertificateIssuer);
            Assert.Equal(new[] { "localhost", "127.0.0.1", "::1" }, result.CertificateSubjectAlternativeNames);
            Assert.InRange(result.CertificateDaysUntilExpiry!.Value, 88, 90);
            Assert.Equal(TestCertificates.Server.Thumbprint, result.CertificateThumbprint);
            Assert.True(result.CertificateChainValid);
            Assert.True(result.CertificateNameMatches);
            Assert.Equal("PING\n", result.Response);
        }

        [Fact]
        public void AFailedCertificateCheckHasItsOwnStatusWithTheFactsStillThere()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            PortCheckResult untrusted = Only(PS.Run($"Test-SocketPort 127.0.0.1 {server.Port} -UseTls -Timeout 5000"));
            Assert.Equal(PortStatus.CertificateUntrusted, untrusted.Status);
            Assert.Equal("TlsUntrustedCertificate", untrusted.ErrorId);
            Assert.Equal("CN=localhost", untrusted.CertificateSubject);
            Assert.False(untrusted.CertificateChainValid);

            using LoopbackServer expired = LoopbackServer.Tls(TestCertificates.Expired);
            PortCheckResult skipped = Only(PS.Run($"Test-SocketPort 127.0.0.1 {expired.Port} -UseTls -SkipCertificateCheck -Timeout 5000"));
            Assert.Equal(PortStatus.Open, skipped.Status);
            Assert.True(skipped.CertificateDaysUntilExpiry < 0);

            using var plain = new LoopbackServer(async (socket, token) => await LoopbackServer.Send(socket, "220 plain text\r\n", token));
            PortCheckResult notTls = Only(PS.Run($"Test-SocketPort 127.0.0.1 {plain.Port} -UseTls -Timeout 5000"));
            Assert.Equal(PortStatus.TlsFailed, notTls.Status);
            Assert.Equal("TlsNotSpokenByPeer", notTls.ErrorId);
        }

        [Fact]
        public void ResultsKeepTheirPropertiesThroughPowerShellSerialization()
        {
            using LoopbackServer server = LoopbackServer.Tls(TestCertificates.Server);
            PS.SetVariable("ca", TestCertificates.CaPublic);
            ScriptResult result = PS.Run(
                $"$r = Test-SocketPort 127.0.0.1 {server.Port} -UseTls -TrustedCertificate $ca -Timeout 5000; $r; " +
                "[System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r))").ThrowOnError();
            var original = (PortCheckResult)result.Output[0].BaseObject;
            PSObject copy = result.Output[1];
            Assert.Contains("Deserialized.PSSocket.HealthChecks.PortCheckResult", copy.TypeNames);

            foreach (System.Reflection.PropertyInfo property in typeof(PortCheckResult).GetProperties())
            {
                object? expected = property.GetValue(original);
                object? actual = copy.Properties[property.Name]?.Value;
                actual = actual is PSObject wrapped ? wrapped.BaseObject : actual;
                if (expected is string[] list)
                {
                    Assert.Equal(list, ((IEnumerable)actual!).Cast<object>().Select(o => o.ToString()));
                }
                else if (expected is DateTime time)
                {
                    Assert.Equal(time, ((DateTime)actual!).ToLocalTime());
                }
                else
                {
                    Assert.True(Equals(expected, actual), $"{property.Name}: {expected} became {actual} ({actual?.GetType().Name})");
                }
            }
        }

        [Fact]
        public void ItWorksInsideForEachObjectParallel()
        {
            using Socket listener = RawPeer.Listen();
            PS.SetVariable("manifest", PowerShellHarness.ManifestPath);
            ScriptResult result = PS.Run(
                $"1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {{ Import-Module $using:manifest; Test-SocketPort 127.0.0.1 {RawPeer.PortOf(listener)} -Timeout 5000 }} | ForEach-Object {{ $_.Status }}").ThrowOnError();
            Assert.Equal(new object[] { "Open", "Open", "Open" }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void StoppingThePipelineEndsEveryCheckAtOnce()
        {
            using var unanswered = new UnansweredEndPoint();
            using PowerShell pipeline = PS.CreatePipeline($"Test-SocketPort -ComputerName (1..10 | ForEach-Object {{ '127.0.0.1' }}) -Port {unanswered.Port} -Timeout -1");
            Task running = Task.Factory.StartNew(() => pipeline.Invoke(), TaskCreationOptions.LongRunning);
            Assert.False(running.Wait(300), "the checks should still be waiting");
            var watch = Stopwatch.StartNew();
            pipeline.Stop();
            Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(5000), "the pipeline did not stop");
            Assert.InRange(watch.ElapsedMilliseconds, 0, 1000);
            Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
        }

        [Fact]
        public void TlsParametersNeedUseTls()
        {
            Assert.Equal(new[] { "TlsNotRequested" }, PS.Run("Test-SocketPort 127.0.0.1 80 -SkipCertificateCheck").ErrorIds);
        }

        [Fact]
        public void TlsParametersNeedTlsOnEveryPipedRow()
        {
            ScriptResult piped = PS.Run("'127.0.0.1', '127.0.0.2' | Test-SocketPort -Port 1 -MinimumDaysValid 30 -Timeout 2000");
            Assert.Equal(new[] { "TlsNotRequested", "TlsNotRequested" }, piped.ErrorIds);
            Assert.Empty(piped.Output);

            ScriptResult rows = PS.Run(
                "[pscustomobject]@{ ComputerName = '127.0.0.1'; Port = 1; StartTls = 'Smtp' }, [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = 1; StartTls = 'Off' } | " +
                "Test-SocketPort -MinimumDaysValid 30 -Timeout 2000");
            Assert.Equal(new[] { "TlsNotRequested" }, rows.ErrorIds);
            PortCheckResult checkedRow = Assert.IsType<PortCheckResult>(Assert.Single(rows.Output).BaseObject);
            Assert.Equal(PortStatus.Refused, checkedRow.Status);
        }
    }
}
