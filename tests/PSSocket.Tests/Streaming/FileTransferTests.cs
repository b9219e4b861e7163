using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Streaming
{
    public class FileTransferTests : CmdletTestBase
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("pssocket-").FullName;

        public override void Dispose()
        {
            base.Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        private string WriteRandomFile(string name, int size, int seed)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllBytes(path, RawPeer.RandomBytes(size, seed));
            return path;
        }

        [Fact]
        public async Task A50MiBFileRoundTripsThroughTheCmdletsByteForByte()
        {
            string source = WriteRandomFile("source.bin", 50 * 1024 * 1024, seed: 50);
            string target = Path.Combine(_folder, "target.bin");
            using var receiverSide = new PowerShellHarness();
            var listener = receiverSide.Run("$listener = Start-SocketListener; $listener").Single<SocketSession>();
            receiverSide.SetVariable("target", target);
            Task<ScriptResult> receiving = RunInBackground(receiverSide,
                "$listener | Wait-SocketConnection -Timeout 10000 | Receive-SocketData -ToEnd -OutFile $target -Timeout 10000 -PassThru");

            PS.SetVariable("source", source);
            ScriptResult sent = PS.Run($"$c = Connect-Socket 127.0.0.1 {PortOf(listener)}; $c | Send-SocketData -Path $source -PassThru | Close-Socket -PassThru");
            var client = sent.Single<SocketSession>();

            var file = (await receiving).Single<FileInfo>();
            Assert.Equal(target, file.FullName);
            Assert.Equal(50L * 1024 * 1024, client.BytesSent);
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(source)), SHA256.HashData(File.ReadAllBytes(target)));
        }

        [Fact]
        public void OutFileWithACountTakesExactlyThatManyAndLeavesTheRestBuffered()
        {
            using Socket server = ConnectClientToRawServer();
            byte[] data = RawPeer.RandomBytes(10_000, seed: 5);
            server.Send(data);
            string target = Path.Combine(_folder, "counted.bin");
            PS.SetVariable("target", target);
            ScriptResult result = PS.Run("$client | Receive-SocketData -Count 6000 -OutFile $target -Timeout 5000; $client | Receive-SocketData -Count 4000 -AsByteArray -Timeout 5000").ThrowOnError();
            Assert.Equal(data.Take(6000).ToArray(), File.ReadAllBytes(target));
            Assert.Equal(data.Skip(6000).ToArray(), result.Single<byte[]>());
        }

        [Fact]
        public void OutFileToEndAndEndOfStreamBeforeTheCount()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(new byte[] { 1, 2, 3 });
            server.Shutdown(SocketShutdown.Send);
            string target = Path.Combine(_folder, "short.bin");
            PS.SetVariable("target", target);
            ScriptResult result = PS.Run("$client | Receive-SocketData -Count 10 -OutFile $target -Timeout 5000");
            Assert.Equal(new[] { "EndOfStream" }, result.ErrorIds);
            Assert.Contains("3 bytes were written", result.Errors.Single().Exception.Message);
            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(target));
        }

        [Fact]
        public void ToEndIntoAFile()
        {
            using Socket server = ConnectClientToRawServer();
            byte[] data = RawPeer.RandomBytes(300_000, seed: 6);
            Task sending = Task.Run(() =>
            {
                server.Send(data);
                server.Shutdown(SocketShutdown.Send);
            });
            string target = Path.Combine(_folder, "all.bin");
            PS.SetVariable("target", target);
            PS.Run("$client | Receive-SocketData -ToEnd -OutFile $target -Timeout 5000").ThrowOnError();
            Assert.Equal(data, File.ReadAllBytes(target));
            Assert.True(sending.Wait(5000));
        }

        [Fact]
        public void AMissingOrUnreadablePathIsAClearErrorAndNothingIsSent()
        {
            using Socket server = ConnectClientToRawServer();
            PS.SetVariable("folder", _folder);
            ScriptResult missing = PS.Run("$client | Send-SocketData -Path ([IO.Path]::Combine($folder, 'nope.bin'))");
            Assert.Equal(new[] { "PathNotFound" }, missing.ErrorIds);
            Assert.Equal(ErrorCategory.ObjectNotFound, missing.Errors.Single().CategoryInfo.Category);

            ScriptResult unreadable = PS.Run("$client | Send-SocketData -Path $folder");
            Assert.Equal(new[] { "FileReadError" }, unreadable.ErrorIds);
            Assert.Equal(0L, ((SocketSession)PS.GetVariable("client")!).BytesSent);
        }

        [Fact]
        public void AnOutFileInAFolderThatDoesNotExistIsAClearErrorAndCreatesNothing()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(new byte[] { 9, 9 });
            string target = Path.Combine(_folder, "no-such-folder", "x.bin");
            PS.SetVariable("target", target);
            ScriptResult result = PS.Run("$client | Receive-SocketData -ToEnd -OutFile $target -Timeout 1000");
            Assert.Equal(new[] { "OutFileDirectoryNotFound" }, result.ErrorIds);
            Assert.False(File.Exists(target));
            Assert.Equal(new byte[] { 9, 9 }, PS.Run("$client | Receive-SocketData -Count 2 -AsByteArray -Timeout 5000").Single<byte[]>());
        }

        /// <summary>The OutFile parameter set has none of the pipeline output options, so the binder refuses them.</summary>
        [Fact]
        public void OutFileDoesNotCombineWithPipelineOutputOptions()
        {
            using Socket server = ConnectClientToRawServer();
            Assert.Equal(new[] { "AmbiguousParameterSet" }, PS.Run("$client | Receive-SocketData -ToEnd -OutFile x.bin -AsByteArray").ErrorIds);
            Assert.Equal(new[] { "AmbiguousParameterSet" }, PS.Run("$client | Receive-SocketData -Count 5 -OutFile x.bin -Stream").ErrorIds);
            Assert.Equal(new[] { "AmbiguousParameterSet" }, PS.Run("$client | Receive-SocketData -Line -OutFile x.bin").ErrorIds);
            Assert.Single(PS.Run("$client | Receive-SocketData -ToEnd -PassThru").ErrorIds);
            Assert.False(System.IO.File.Exists("x.bin"));
        }

        [Fact]
        public void OutFileAloneReceivesToTheEndAndPassThruWritesTheItemAsGetItemDoes()
        {
            using Socket server = ConnectClientToRawServer();
            string target = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pssocket-outfile-{Guid.NewGuid():N}.bin");
            try
            {
                server.Send(new byte[] { 1, 2, 3, 4, 5 });
                server.Shutdown(SocketShutdown.Send);
                PS.SetVariable("target", target);
                ScriptResult result = PS.Run("$item = $client | Receive-SocketData -OutFile $target -PassThru -Timeout 5000; $item.Length; $item.PSProvider.Name; $item.FullName").ThrowOnError();
                Assert.Equal(5L, result.Output[0].BaseObject);
                Assert.Equal("FileSystem", result.Output[1].BaseObject.ToString());
                Assert.Equal(target, result.Output[2].BaseObject);
                Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, System.IO.File.ReadAllBytes(target));
            }
            finally
            {
                System.IO.File.Delete(target);
            }
        }

        /// <summary>Reads 8 KiB every 10 ms, so a few MiB take seconds to send.</summary>
        private static Task<long> ReadSlowly(Socket server)
        {
            return Task.Run(() =>
            {
                var buffer = new byte[8 * 1024];
                long total = 0;
                int n;
                while ((n = server.Receive(buffer)) > 0)
                {
                    total += n;
                    Thread.Sleep(10);
                }

                return total;
            });
        }

        [Fact]
        public void ALongTransferWritesProgressAndCompletesIt()
        {
            using Socket server = ConnectClientToRawServer();
            server.ReceiveBufferSize = 16 * 1024;
            string source = WriteRandomFile("slow.bin", 4 * 1024 * 1024, seed: 8);
            Task<long> slowReader = ReadSlowly(server);

            using PowerShell pipeline = PS.CreatePipeline($"$client | Send-SocketData -Path '{source}'; $client | Close-Socket");
            pipeline.Invoke();
            Assert.False(pipeline.HadErrors);
            Assert.True(slowReader.Wait(30_000));
            Assert.Equal(4L * 1024 * 1024, slowReader.Result);

            var records = pipeline.Streams.Progress.ToList();
            Assert.True(records.Count >= 2, $"expected progress records, got {records.Count}");
            Assert.All(records.SkipLast(1), r =>
            {
                Assert.Equal(ProgressRecordType.Processing, r.RecordType);
                Assert.InRange(r.PercentComplete, 0, 100);
                Assert.Contains("of 4.0 MiB at", r.StatusDescription);
                Assert.Contains("slow.bin", r.Activity);
            });
            Assert.Equal(ProgressRecordType.Completed, records.Last().RecordType);
        }

        [Fact]
        public void ProgressIsSilencedByProgressPreference()
        {
            using Socket server = ConnectClientToRawServer();
            server.ReceiveBufferSize = 16 * 1024;
            string source = WriteRandomFile("quiet.bin", 4 * 1024 * 1024, seed: 10);
            Task<long> slowReader = ReadSlowly(server);
            using PowerShell pipeline = PS.CreatePipeline($"$ProgressPreference = 'SilentlyContinue'; $client | Send-SocketData -Path '{source}'; $client | Close-Socket");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            pipeline.Invoke();
            Assert.True(watch.ElapsedMilliseconds > 600, "the transfer must be long enough that progress would have shown");
            Assert.True(slowReader.Wait(30_000));
            Assert.Empty(pipeline.Streams.Progress);
        }
    }
}
