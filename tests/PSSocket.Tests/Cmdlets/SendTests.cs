using System.Linq;
using System.Net.Sockets;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    public class SendTests : CmdletTestBase
    {
        private byte[] SendAndCollect(string script)
        {
            using Socket server = ConnectClientToRawServer();
            PS.Run(script + "; $client | Close-Socket").ThrowOnError();
            return RawPeer.ReceiveToEnd(server);
        }

        [Fact]
        public void StringsAndByteArraysFromThePipelineGoOutExactlyInOrder()
        {
            byte[] got = SendAndCollect("'ab', [byte[]](0, 1, 2), 'cd' | Send-SocketData -Session $client");
            Assert.Equal(new byte[] { (byte)'a', (byte)'b', 0, 1, 2, (byte)'c', (byte)'d' }, got);
        }

        [Fact]
        public void NothingIsAddedUnlessALineEndIsAskedFor()
        {
            Assert.Equal("xy", Encoding.UTF8.GetString(SendAndCollect("$client | Send-SocketData 'x'; Send-SocketData -Session $client 'y'")));
            Assert.Equal("a\nb\n", Encoding.UTF8.GetString(SendAndCollect("'a', 'b' | Send-SocketData -Session $client -Line")));
            Assert.Equal("EHLO me\r\n", Encoding.UTF8.GetString(SendAndCollect("$client | Send-SocketData 'EHLO me' -Line -LineEnding CrLf")));
        }

        [Fact]
        public void EncodingOfTheSessionOrTheCall()
        {
            Assert.Equal(Encoding.Unicode.GetBytes("é"), SendAndCollect("$client.Encoding = [System.Text.Encoding]::Unicode; $client | Send-SocketData 'é'"));
            Assert.Equal(new byte[] { 0xE9 }, SendAndCollect("$client | Send-SocketData 'é' -Encoding latin1"));
            Assert.Equal(new byte[] { 0xC3, 0xA9 }, SendAndCollect("$client | Send-SocketData 'é'"));
        }

        [Fact]
        public void PassThruDoesNotPassOnASessionWhoseSendFailed()
        {
            using Socket server = ConnectClientToRawServer();
            ScriptResult result = PS.Run("$client | Close-Socket; 'x' | Send-SocketData -Session $client -PassThru; $client | Send-SocketData 'y' -PassThru");
            Assert.Equal(new[] { "SessionClosed", "SessionClosed" }, result.ErrorIds);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void SendingAFileOnASessionThatCannotSendKeepsTheSessionsOwnErrorId()
        {
            string file = System.IO.Path.GetTempFileName();
            try
            {
                System.IO.File.WriteAllText(file, "content");
                PS.SetVariable("file", file);
                Assert.Equal(new[] { "NotConnected" }, PS.Run("$s = New-Socket; $s | Send-SocketData -Path $file; $s | Close-Socket").ErrorIds);
                Assert.Equal(new[] { "SendOnListener" }, PS.Run("$l = Start-SocketListener; $l | Send-SocketData -Path $file; $l | Close-Socket").ErrorIds);
            }
            finally
            {
                System.IO.File.Delete(file);
            }
        }

        [Fact]
        public void NumbersAreSentAsInvariantText()
        {
            Assert.Equal("421.5", Encoding.UTF8.GetString(SendAndCollect("42, 1.5 | Send-SocketData -Session $client")));
        }

        [Fact]
        public void PassThruWritesTheSessionOncePerPipelineSession()
        {
            using Socket server = ConnectClientToRawServer();
            ScriptResult result = PS.Run("'a', 'b', 'c' | Send-SocketData -Session $client -PassThru").ThrowOnError();
            Assert.Single(result.Output);
            Assert.IsType<SocketSession>(result.Output[0].BaseObject);
            Assert.Equal(3L, ((SocketSession)result.Output[0].BaseObject).BytesSent);
        }

        [Fact]
        public async System.Threading.Tasks.Task ALargeByteArraySendsWhole()
        {
            byte[] data = RawPeer.RandomBytes(3 * 1024 * 1024, seed: 9);
            using Socket server = ConnectClientToRawServer();
            PS.SetVariable("data", data);
            var reading = System.Threading.Tasks.Task.Run(() => RawPeer.ReceiveToEnd(server));
            PS.Run("Send-SocketData -Session $client -Data (,$data); $client | Close-Socket").ThrowOnError();
            Assert.Equal(data, await reading);
        }
    }
}
