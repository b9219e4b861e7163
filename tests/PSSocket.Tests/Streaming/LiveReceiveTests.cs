using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Streaming
{
    /// <summary>Receive-SocketData -Stream writes records as they arrive and ends on each of its four conditions.</summary>
    public class LiveReceiveTests : CmdletTestBase
    {
        private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

        [Fact]
        public void EndsWhenThePeerCloses()
        {
            using Socket server = ConnectClientToRawServer();
            Task feeding = Task.Run(() =>
            {
                RawPeer.SendInPieces(server, new[] { B("a\nb"), B("\nc\n"), B("d") });
                server.Shutdown(SocketShutdown.Send);
            });
            ScriptResult result = PS.Run("$client | Receive-SocketData -Stream -Line -Timeout 5000 | ForEach-Object { \"got $_\" }").ThrowOnError();
            Assert.True(feeding.Wait(5000));
            Assert.Equal(new[] { "got a", "got b", "got c", "got d" }, result.All<string>());
        }

        [Fact]
        public void EndsAfterMaxCountAndLeavesTheRestBuffered()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(B("1;2;3;4;5;"));
            ScriptResult result = PS.Run("$client | Receive-SocketData -Stream -Delimiter ';' -MaxCount 3 -Timeout 5000; $client | Receive-SocketData -Timeout 5000").ThrowOnError();
            Assert.Equal(new[] { "1", "2", "3", "4;5;" }, result.All<string>());
        }

        [Fact]
        public void MaxCountWithoutStreamIsAConflict()
        {
            using Socket server = ConnectClientToRawServer();
            Assert.Equal(new[] { "ConflictingParameters" }, PS.Run("$client | Receive-SocketData -Line -MaxCount 2").ErrorIds);
        }

        [Fact]
        public void EndsQuietlyAfterTheIdleTimeout()
        {
            using Socket server = ConnectClientToRawServer();
            // Both pieces go before the receive starts: a starved thread pool must not make the feed look idle.
            server.Send(B("x"));
            server.Send(B("y"));
            var watch = Stopwatch.StartNew();
            ScriptResult result = PS.Run("$client | Receive-SocketData -Stream -Timeout 1000 -Verbose").ThrowOnError();
            Assert.Equal("xy", string.Concat(result.All<string>()));
            Assert.Contains(result.Verbose, v => v.Message.Contains("nothing arrived for 1000 ms"));
            Assert.InRange(watch.ElapsedMilliseconds, 1000, 10_000);
        }

        [Fact]
        public void FixedSizeRecordsAsByteArrays()
        {
            using Socket server = ConnectClientToRawServer();
            byte[] data = RawPeer.RandomBytes(4000, seed: 4);
            server.Send(data);
            server.Shutdown(SocketShutdown.Send);
            ScriptResult result = PS.Run("$client | Receive-SocketData -Stream -Count 1000 -AsByteArray -Timeout 5000").ThrowOnError();
            Assert.Equal(4, result.Output.Count);
            Assert.Equal(data, result.All<byte[]>().SelectMany(r => r).ToArray());
        }

        [Fact]
        public void CtrlCEndsTheStreamWithTheRecordsSoFarAndTheSessionStillWorks()
        {
            using Socket server = ConnectClientToRawServer();
            using PowerShell pipeline = PS.CreatePipeline("$client | Receive-SocketData -Stream -Line -Timeout -1");
            var output = new PSDataCollection<PSObject>();
            Task running = Task.Factory.StartNew(() => pipeline.Invoke<PSObject>(null, output), TaskCreationOptions.LongRunning);
            server.Send(B("one\ntwo\nthr"));
            Assert.True(SpinWait.SpinUntil(() => output.Count == 2, 5000));
            pipeline.Stop();
            Assert.True(((IAsyncResult)running).AsyncWaitHandle.WaitOne(5000));
            Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
            Assert.Equal(new[] { "one", "two" }, output.Select(o => (string)o.BaseObject));

            server.Send(B("ee\n"));
            Assert.Equal("three", PS.Run("$client | Receive-SocketData -Line -Timeout 5000").Single<string>());
        }
    }
}
