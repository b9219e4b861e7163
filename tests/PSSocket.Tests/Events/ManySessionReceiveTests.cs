using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Events
{
    /// <summary>Receive-SocketData -Stream over several sessions: records from whichever has one, each session's in order.</summary>
    public class ManySessionReceiveTests : CmdletTestBase
    {
        private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

        [Fact]
        public void RecordsComeFromEverySessionInEachSessionsOrder()
        {
            using Socket a = ConnectClientToRawServer("a");
            using Socket b = ConnectClientToRawServer("b");
            Task feeding = Task.Run(() =>
            {
                for (int i = 0; i < 40; i++)
                {
                    // Lines split across sends, so records become whole on either session at any time.
                    if (i % 2 == 0)
                    {
                        a.Send(B($"a{i}\n"));
                    }
                    else
                    {
                        a.Send(B($"a{i}"));
                        a.Send(B("\n"));
                    }

                    b.Send(B($"b{i}"));
                    b.Send(B("\n"));
                }

                a.Shutdown(SocketShutdown.Send);
                b.Shutdown(SocketShutdown.Send);
            });
            ScriptResult result = PS.Run("Receive-SocketData -Session $a, $b -Stream -Line -Timeout 10000").ThrowOnError();
            Assert.True(feeding.Wait(10_000));

            var records = result.All<SocketRecord>();
            int aId = ((SocketSession)PS.GetVariable("a")!).Id;
            Assert.Equal(Enumerable.Range(0, 40).Select(i => $"a{i}"), records.Where(r => r.SessionId == aId).Select(r => (string)r.Data));
            Assert.Equal(Enumerable.Range(0, 40).Select(i => $"b{i}"), records.Where(r => r.SessionId != aId).Select(r => (string)r.Data));
            Assert.All(records, r => Assert.Equal(((string)r.Data).Length, r.Length));
        }

        [Fact]
        public void PipelineInputIsGatheredAndBytesComeAsByteArrays()
        {
            using Socket a = ConnectClientToRawServer("a");
            using Socket b = ConnectClientToRawServer("b");
            a.Send(new byte[] { 1, 2, 3, 4, 5, 6 });
            b.Send(new byte[] { 9, 9, 9 });
            a.Shutdown(SocketShutdown.Send);
            b.Shutdown(SocketShutdown.Send);

            ScriptResult result = PS.Run("$a, $b | Receive-SocketData -Stream -Count 3 -AsByteArray -Timeout 10000").ThrowOnError();
            var records = result.All<SocketRecord>();
            Assert.Equal(3, records.Count);
            Assert.Equal(new[] { new byte[] { 1, 2, 3 }, new byte[] { 4, 5, 6 } }, records.Where(r => r.Session == PS.GetVariable("a")).Select(r => (byte[])r.Data));
            Assert.Equal(new byte[] { 9, 9, 9 }, (byte[])records.Single(r => r.Session == PS.GetVariable("b")).Data);
        }

        [Fact]
        public void MaxCountStopsAndLeavesTheRestBuffered()
        {
            using Socket a = ConnectClientToRawServer("a");
            using Socket b = ConnectClientToRawServer("b");
            a.Send(B("1;2;3;"));
            b.Send(B("x;y;"));
            ScriptResult result = PS.Run("Receive-SocketData -Session $a, $b -Stream -Delimiter ';' -MaxCount 3 -Timeout 10000").ThrowOnError();
            Assert.Equal(3, result.Output.Count);

            ScriptResult rest = PS.Run("Receive-SocketData -Session $a, $b -Stream -Delimiter ';' -Timeout 500").ThrowOnError();
            string[] all = result.All<SocketRecord>().Concat(rest.All<SocketRecord>()).Select(r => (string)r.Data).ToArray();
            Assert.Equal(new[] { "1", "2", "3", "x", "y" }, all.OrderBy(x => x, StringComparer.Ordinal));
        }

        [Fact]
        public void AnIdleTimeoutEndsQuietlyAndKeepsAPartialRecord()
        {
            using Socket a = ConnectClientToRawServer("a");
            using Socket b = ConnectClientToRawServer("b");
            a.Send(B("whole\npart"));
            var watch = Stopwatch.StartNew();
            ScriptResult result = PS.Run("Receive-SocketData -Session $a, $b -Stream -Line -Timeout 500 -Verbose").ThrowOnError();
            Assert.Equal(new[] { "whole" }, result.All<SocketRecord>().Select(r => (string)r.Data));
            Assert.Contains(result.Verbose, v => v.Message.Contains("for 500 ms"));
            Assert.InRange(watch.ElapsedMilliseconds, 500, 30_000);

            a.Send(B("ial\n"));
            Assert.Equal("partial", PS.Run("$a | Receive-SocketData -Line -Timeout 10000").ThrowOnError().Single<string>());
        }

        [Fact]
        public void AFailedSessionIsReportedAndTheOthersGoOn()
        {
            using Socket a = ConnectClientToRawServer("a");
            using Socket b = ConnectClientToRawServer("b");
            a.Send(B("ab"));
            a.Shutdown(SocketShutdown.Send);
            b.Send(B("wxyz"));
            b.Shutdown(SocketShutdown.Send);
            ScriptResult result = PS.Run("Receive-SocketData -Session $a, $b -Stream -Count 4 -Timeout 10000");
            Assert.Equal(new[] { "EndOfStream" }, result.ErrorIds);
            Assert.Equal(new[] { "wxyz" }, result.All<SocketRecord>().Select(r => (string)r.Data));
        }

        [Fact]
        public void CtrlCStopsPromptlyAndLosesNothing()
        {
            using Socket a = ConnectClientToRawServer("a");
            using Socket b = ConnectClientToRawServer("b");
            a.Send(B("one\ntw"));
            using PowerShell pipeline = PS.CreatePipeline("Receive-SocketData -Session $a, $b -Stream -Line -Timeout -1");
            var output = new PSDataCollection<PSObject>();
            Task running = Task.Factory.StartNew(() => pipeline.Invoke<PSObject, PSObject>(null, output, null), TaskCreationOptions.LongRunning);
            Wait.Until(() => output.Count == 1, "the first record", 10_000);
            pipeline.Stop();
            Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(10_000), "the pipeline did not stop");
            Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);

            a.Send(B("o\n"));
            Assert.Equal("two", PS.Run("$a | Receive-SocketData -Line -Timeout 10000").ThrowOnError().Single<string>());
        }

        [Fact]
        public void OneSessionStillWritesPlainRecords()
        {
            using Socket a = ConnectClientToRawServer("a");
            a.Send(B("x\ny\n"));
            a.Shutdown(SocketShutdown.Send);
            Assert.Equal(new[] { "x", "y" }, PS.Run("Receive-SocketData -Session $a -Stream -Line -Timeout 10000").ThrowOnError().All<string>());
        }
    }
}
