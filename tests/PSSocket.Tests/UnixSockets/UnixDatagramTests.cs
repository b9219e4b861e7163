using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.UnixSockets
{
    /// <summary>Unix datagram sockets: named and unnamed senders, answers, the socket files, and bad destinations.</summary>
    public class UnixDatagramTests : CmdletTestBase
    {
        private readonly TempSocketPath _server = new TempSocketPath("ds");
        private readonly TempSocketPath _client = new TempSocketPath("dc");

        public override void Dispose()
        {
            base.Dispose();
            bool leftBehind = _server.Exists || _client.Exists;
            _server.Dispose();
            _client.Dispose();
            Assert.False(leftBehind, "a socket file was left behind");
        }

        private static Socket RawUnix(SocketType type) => new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);

        private void SetPaths()
        {
            PS.SetVariable("server", _server.Path);
            PS.SetVariable("client", _client.Path);
        }

        [Fact]
        public void ANamedClientIsAnsweredAtItsPath()
        {
            SetPaths();
            SocketSession server = PS.Run("$s = Start-SocketListener -Protocol UnixDatagram -Path $server; $s").Single<SocketSession>();
            Assert.Equal(SocketProtocol.UnixDatagram, server.Protocol);
            Assert.Equal(SocketState.Bound, server.State);
            SocketSession client = PS.Run("$c = New-Socket -Protocol UnixDatagram -LocalPath $client; $c").Single<SocketSession>();
            Assert.Equal(SocketState.Bound, client.State);
            Assert.Equal(_client.Path, client.LocalEndPoint!.ToString());

            byte[] binary = RawPeer.RandomBytes(100_000, 5);
            PS.SetVariable("binary", binary);
            PS.Run("Send-SocketData -Session $c -RemoteEndPoint $server -Data 'ping'; Send-SocketData -Session $c -RemoteEndPoint $server -Data $binary").ThrowOnError();
            var received = PS.Run("Receive-SocketData $s -Count 2 -AsByteArray -Timeout 5000").ThrowOnError().All<SocketDatagram>();
            Assert.Equal(Encoding.ASCII.GetBytes("ping"), received[0].Data);
            Assert.Equal(binary, received[1].Data);
            Assert.Equal(_client.Path, received[0].RemoteEndPoint!.ToString());

            PS.SetVariable("first", received[0]);
            PS.Run("$first | Send-SocketData 'pong'").ThrowOnError();
            SocketDatagram answer = PS.Run("Receive-SocketData $c -Timeout 5000").Single<SocketDatagram>();
            Assert.Equal("pong", answer.Data);
            Assert.Equal(_server.Path, answer.RemoteEndPoint!.ToString());

            PS.Run("$c | Close-Socket").ThrowOnError();
            Assert.False(_client.Exists, "a client's bound path is removed when it closes");
        }

        [Fact]
        public void AnUnnamedSenderCannotBeAnswered()
        {
            SetPaths();
            PS.Run("$s = Start-SocketListener -Protocol UnixDatagram -Path $server").ThrowOnError();
            SocketSession anonymous = PS.Run("$a = Connect-Socket -Path $server -Protocol UnixDatagram; $a").Single<SocketSession>();
            Assert.Equal(SocketState.Connected, anonymous.State);
            Assert.Equal(SocketProtocol.UnixDatagram, anonymous.Protocol);
            PS.Run("$a | Send-SocketData 'who am I?'").ThrowOnError();

            SocketDatagram datagram = PS.Run("$d = Receive-SocketData $s -Timeout 5000; $d").Single<SocketDatagram>();
            Assert.Equal("who am I?", datagram.Data);
            Assert.Null(datagram.RemoteEndPoint);
            ScriptResult reply = PS.Run("$d | Send-SocketData 'nobody'");
            Assert.Equal(new[] { "NoDestination" }, reply.ErrorIds);
        }

        [Fact]
        public void ARawPeerAndTheModuleExchangeDatagramsWhole()
        {
            SetPaths();
            using Socket raw = RawUnix(SocketType.Dgram);
            raw.Bind(UnixEndPoints.Create(_client.Path, null));
            raw.ReceiveTimeout = 5000;
            PS.Run("$s = Start-SocketListener -Protocol UnixDatagram -Path $server").ThrowOnError();
            foreach (string text in new[] { "one", "two", "three" })
            {
                raw.SendTo(Encoding.ASCII.GetBytes(text), UnixEndPoints.Create(_server.Path, null));
            }

            PS.Run("Receive-SocketData $s -Count 3 -Timeout 5000 | ForEach-Object { $_ | Send-SocketData $_.Data.ToUpper() }").ThrowOnError();
            var buffer = new byte[100];
            Assert.Equal(new[] { "ONE", "TWO", "THREE" }, Enumerable.Range(0, 3).Select(_ => Encoding.ASCII.GetString(buffer, 0, raw.Receive(buffer))));
        }

        [Fact]
        public void ADatagramLargerThanTheReceiveBufferIsReportedNotCutShort()
        {
            SetPaths();
            PS.Run("$s = Start-SocketListener -Protocol UnixDatagram -Path $server -ReceiveBufferSize 1048576").ThrowOnError();
            using Socket raw = RawUnix(SocketType.Dgram);
            raw.SendBufferSize = 1024 * 1024;
            int size = 300_000;
            try
            {
                raw.SendTo(new byte[size], UnixEndPoints.Create(_server.Path, null));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                return; // this system cannot send a Unix datagram that large, so none can arrive cut short
            }

            raw.SendTo(Encoding.ASCII.GetBytes("small"), UnixEndPoints.Create(_server.Path, null));
            ScriptResult result = PS.Run("Receive-SocketData $s -Timeout 5000");
            Assert.Equal(new[] { "DatagramTruncated" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.ReadError, result.Errors.Single().CategoryInfo.Category);
            Assert.Equal("small", result.Output.Single().BaseObject is SocketDatagram d ? d.Data : null);
        }

        [Fact]
        public void ASendIntoAFullQueueTimesOutOrStopsAndNeverHangs()
        {
            SetPaths();
            using Socket deaf = RawUnix(SocketType.Dgram); // bound, never reads: its queue fills
            deaf.Bind(UnixEndPoints.Create(_server.Path, null));
            PS.Run("$c = Connect-Socket -Path $server -Protocol UnixDatagram -SendTimeout 300").ThrowOnError();

            var watch = System.Diagnostics.Stopwatch.StartNew();
            ScriptResult full = PS.Run("foreach ($i in 1..100000) { $c | Send-SocketData -Data ([byte[]]::new(1000)) -ErrorAction Stop }");
            Assert.Equal(new[] { "SendTimedOut" }, full.ErrorIds);
            Assert.Contains("timed out", full.AllErrors.Single().Exception.Message);
            Assert.True(watch.ElapsedMilliseconds < 20_000, $"took {watch.ElapsedMilliseconds} ms");

            PS.Run("$c.SendTimeout = -1").ThrowOnError();
            using PowerShell blocked = PS.CreatePipeline("$c | Send-SocketData -Data 'one more'");
            var running = System.Threading.Tasks.Task.Factory.StartNew(() => blocked.Invoke(), System.Threading.Tasks.TaskCreationOptions.LongRunning);
            Assert.False(running.Wait(400), "the send should wait for room");
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            blocked.Stop();
            Assert.True(running.Wait(5000), "Ctrl+C did not stop the send");
            Assert.True(stopping.ElapsedMilliseconds < 2000, $"stopping took {stopping.ElapsedMilliseconds} ms");
            Assert.Equal(PSInvocationState.Stopped, blocked.InvocationStateInfo.State);
        }

        [Fact]
        public void BadDestinations()
        {
            SetPaths();
            PS.Run("$c = New-Socket -Protocol UnixDatagram").ThrowOnError();
            Assert.Equal(new[] { "SocketPathNotFound" }, PS.Run("Send-SocketData -Session $c -RemoteEndPoint $server -Data x").ErrorIds);

            File.WriteAllText(_server.Path, "not a socket");
            ScriptResult notSocket = PS.Run("Send-SocketData -Session $c -RemoteEndPoint $server -Data x");
            Assert.Equal(new[] { "NotASocket" }, notSocket.ErrorIds);
            Assert.Equal("not a socket", File.ReadAllText(_server.Path));
            File.Delete(_server.Path);

            using Socket stream = RawUnix(SocketType.Stream);
            stream.Bind(UnixEndPoints.Create(_server.Path, null));
            stream.Listen(1);
            ScriptResult mismatch = PS.Run("Send-SocketData -Session $c -RemoteEndPoint $server -Data x");
            Assert.Equal(new[] { "SocketTypeMismatch" }, mismatch.ErrorIds);
            Assert.Equal(ErrorCategory.ProtocolError, mismatch.Errors.Single().CategoryInfo.Category);
            Assert.Equal(new[] { "SocketTypeMismatch" }, PS.Run("Connect-Socket -Path $server -Protocol UnixDatagram").ErrorIds);
            Assert.Equal(new[] { "AddressFamilyMismatch" }, PS.Run("Send-SocketData -Session $c -RemoteEndPoint 127.0.0.1:9 -Data x").ErrorIds);
            Assert.Equal(new[] { "NotBound" }, PS.Run("Receive-SocketData $c -Timeout 100").ErrorIds);
        }
    }
}
