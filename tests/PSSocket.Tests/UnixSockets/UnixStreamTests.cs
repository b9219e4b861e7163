using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.UnixSockets
{
    /// <summary>Unix domain stream sockets through the cmdlets: listeners, clients, the socket file's life, and bad paths.</summary>
    public class UnixStreamTests : CmdletTestBase
    {
        private readonly TempSocketPath _path = new TempSocketPath("us");

        public override void Dispose()
        {
            base.Dispose();
            bool leftBehind = _path.Exists;
            _path.Dispose();
            Assert.False(leftBehind, $"{_path} was left behind.");
        }

        private static EndPoint UnixEndPoint(string path) => UnixEndPoints.Create(path, null);

        private static Socket RawUnix(SocketType type = SocketType.Stream) => new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);

        /// <summary>A socket file that nothing listens on any more, as a listener that was killed leaves it.</summary>
        private static void MakeStaleSocketFile(string path)
        {
            string bound = path + ".b";
            using (Socket socket = RawUnix())
            {
                socket.Bind(UnixEndPoint(bound));
                File.Move(bound, path); // the runtime removes the bound path on dispose; the moved one stays
            }
        }

        [Fact]
        public void AListenerAcceptsAClientAndRemovesItsSocketFileWhenItCloses()
        {
            PS.SetVariable("path", _path.Path);
            SocketSession listener = PS.Run("$l = Start-SocketListener -Path $path; $l").Single<SocketSession>();
            Assert.Equal(SocketProtocol.UnixStream, listener.Protocol);
            Assert.Equal(SocketState.Listening, listener.State);
            Assert.Equal(_path.Path, listener.LocalEndPoint!.ToString());
            Assert.True(_path.Exists);

            SocketSession client = PS.Run("$c = Connect-Socket -Path $path -Timeout 5000; $c").Single<SocketSession>();
            SocketSession accepted = PS.Run("$s = $l | Wait-SocketConnection -Timeout 5000; $s").Single<SocketSession>();
            Assert.Equal(SocketProtocol.UnixStream, client.Protocol);
            Assert.Equal(SocketState.Connected, client.State);
            Assert.Equal(_path.Path, client.RemoteEndPoint!.ToString());
            Assert.Equal(_path.Path, accepted.LocalEndPoint!.ToString());
            Assert.Equal(SocketProtocol.UnixStream, accepted.Protocol);
            Assert.Equal($"UnixStream (unnamed) -> {_path.Path} (Connected)", client.ToString());
            Assert.Equal(3, PS.Run("Get-Socket -Protocol UnixStream").Output.Count);

            PS.Run("$l | Close-Socket").ThrowOnError();
            Assert.False(_path.Exists, "closing the listener removes the socket file");
            Assert.Equal(SocketState.Connected, client.State);
        }

        [Fact]
        public void EveryReceiveModeWorksOverAUnixStream()
        {
            PS.SetVariable("path", _path.Path);
            PS.Run("$l = Start-SocketListener -Path $path; $c = Connect-Socket -Path $path; $s = $l | Wait-SocketConnection -Timeout 5000").ThrowOnError();
            byte[] big = RawPeer.RandomBytes(60_000, 11); // one script sends before it receives: less than the socket buffers hold
            PS.SetVariable("big", big);
            ScriptResult result = PS.Run(@"
$c | Send-SocketData ""first line`nsecond;"" 
$s | Receive-SocketData -Line -Timeout 5000
$s | Receive-SocketData -Delimiter ';' -Timeout 5000
Send-SocketData -Session $c -Data $big -PassThru | Close-Socket -SendOnly
,($s | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000)").ThrowOnError();
            Assert.Equal("first line", result.Output[0].BaseObject);
            Assert.Equal("second", result.Output[1].BaseObject);
            Assert.Equal(big, (byte[])result.Output[2].BaseObject);
        }

        [Fact]
        public void HttpToALocalDaemonsSocketAsTheDocsShowIt()
        {
            // A fake daemon on a Unix socket, as the Docker API is on /var/run/docker.sock.
            using Socket daemon = RawUnix();
            daemon.Bind(UnixEndPoint(_path.Path));
            daemon.Listen(1);
            Task<string> served = Task.Run(() =>
            {
                using Socket connection = daemon.Accept();
                string request = Encoding.ASCII.GetString(RawPeer.ReceiveToEnd(connection));
                connection.Send(Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"Version\":\"27.0.0\"}"));
                return request;
            });
            PS.SetVariable("path", _path.Path);
            ScriptResult result = PS.Run("Connect-Socket -Path $path | Send-SocketData \"GET /version HTTP/1.0`r`n`r`n\" -PassThru | Close-Socket -SendOnly -PassThru | Receive-SocketData -ToEnd -Timeout 5000");
            Assert.True(served.Wait(5000));
            Assert.Equal("GET /version HTTP/1.0\r\n\r\n", served.Result);
            Assert.EndsWith("{\"Version\":\"27.0.0\"}", result.Single<string>());
        }

        [Fact]
        public void ASessionFromNewSocketConnectsToAPath()
        {
            using Socket server = RawUnix();
            server.Bind(UnixEndPoint(_path.Path));
            server.Listen(1);
            PS.SetVariable("path", _path.Path);
            SocketSession session = PS.Run("New-Socket -Protocol UnixStream | Connect-Socket -Path $path").Single<SocketSession>();
            Assert.Equal(SocketState.Connected, session.State);
            using Socket accepted = server.Accept();
            PS.Run("Get-Socket | Send-SocketData 'via New-Socket'").ThrowOnError();
            accepted.ReceiveTimeout = 5000;
            var buffer = new byte[100];
            Assert.Equal("via New-Socket", Encoding.ASCII.GetString(buffer, 0, accepted.Receive(buffer)));
        }

        [Fact]
        public void ARelativePathIsRelativeToTheCurrentLocation()
        {
            string folder = Path.GetDirectoryName(_path.Path)!;
            PS.SetVariable("folder", folder);
            PS.SetVariable("name", Path.GetFileName(_path.Path));
            ScriptResult result = PS.Run("$ExecutionContext.SessionState.Path.SetLocation($folder) | Out-Null; $l = Start-SocketListener -Path $name; $l.LocalEndPoint.ToString(); Close-Socket $l");
            Assert.Equal(_path.Path, result.ThrowOnError().Output[0].BaseObject);
        }

        [Fact]
        public void RemovingTheModuleOrClosingTheRunspaceRemovesTheSocketFile()
        {
            using var other = new TempSocketPath("rm");
            PS.SetVariable("path", _path.Path);
            PS.Run("Start-SocketListener -Path $path | Out-Null; Remove-Module PSSocket").ThrowOnError();
            Assert.False(_path.Exists);

            using (var runspace = new PowerShellHarness())
            {
                runspace.SetVariable("path", other.Path);
                runspace.Run("Start-SocketListener -Path $path -Protocol UnixDatagram | Out-Null").ThrowOnError();
                Assert.True(other.Exists);
            }

            Assert.False(other.Exists);
        }

        [Fact]
        public void AStaleSocketFileIsReplacedAndALiveOneIsNot()
        {
            MakeStaleSocketFile(_path.Path);
            Assert.True(_path.Exists);
            PS.SetVariable("path", _path.Path);
            Assert.Equal(new[] { "ConnectionRefused" }, PS.Run("Connect-Socket -Path $path -Timeout 2000").ErrorIds);

            SocketSession listener = PS.Run("$l = Start-SocketListener -Path $path; $l").Single<SocketSession>();
            Assert.Equal(SocketState.Listening, listener.State);

            ScriptResult live = PS.Run("Start-SocketListener -Path $path");
            Assert.Equal(new[] { "AddressInUse" }, live.ErrorIds);
            Assert.Equal(ErrorCategory.ResourceBusy, live.Errors.Single().CategoryInfo.Category);
            Assert.True(_path.Exists, "a live socket is left alone");
            Assert.Equal(SocketState.Listening, listener.State);
            Assert.Single(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void AFileOrFolderThatIsNotASocketIsNeverReplaced()
        {
            File.WriteAllText(_path.Path, "precious");
            PS.SetVariable("path", _path.Path);
            ErrorOf("Start-SocketListener -Path $path", "NotASocket", ErrorCategory.InvalidArgument);
            ErrorOf("Connect-Socket -Path $path", "NotASocket", ErrorCategory.InvalidArgument);
            ErrorOf("New-Socket -Protocol UnixDatagram -LocalPath $path", "NotASocket", ErrorCategory.InvalidArgument);
            Assert.Equal("precious", File.ReadAllText(_path.Path));
            File.Delete(_path.Path);

            Directory.CreateDirectory(_path.Path);
            ErrorOf("Connect-Socket -Path $path", "NotASocket", ErrorCategory.InvalidArgument);
            ErrorOf("Start-SocketListener -Path $path", "NotASocket", ErrorCategory.InvalidArgument);
            Assert.True(Directory.Exists(_path.Path));
            Directory.Delete(_path.Path);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void APathThatDoesNotExist()
        {
            PS.SetVariable("path", _path.Path);
            ErrorRecord error = ErrorOf("Connect-Socket -Path $path", "SocketPathNotFound", ErrorCategory.ObjectNotFound);
            Assert.Equal(_path.Path, error.TargetObject);
            PS.SetVariable("deep", "/tmp/pss-no-such-folder/x.sock");
            ErrorOf("Start-SocketListener -Path $deep", "SocketPathNotFound", ErrorCategory.ObjectNotFound);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void APathLongerThanASocketAddressHolds()
        {
            int max = UnixEndPoints.MaxPathBytes;
            string longest = "/tmp/" + new string('p', max - 5);
            string tooLong = longest + "p";
            Assert.Equal(max, Encoding.UTF8.GetByteCount(longest));
            PS.SetVariable("longest", longest);
            PS.SetVariable("tooLong", tooLong);
            try
            {
                ErrorOf("Start-SocketListener -Path $tooLong", "SocketPathTooLong", ErrorCategory.InvalidArgument);
                ErrorOf("Connect-Socket -Path $tooLong", "SocketPathTooLong", ErrorCategory.InvalidArgument);
                ErrorOf("New-Socket -Protocol UnixStream -LocalPath $tooLong", "SocketPathTooLong", ErrorCategory.InvalidArgument);
                ErrorOf("$d = New-Socket -Protocol UnixDatagram; Send-SocketData -Session $d -RemoteEndPoint $tooLong -Data x", "SocketPathTooLong", ErrorCategory.InvalidArgument);
                PS.Run("Get-Socket | Close-Socket; Start-SocketListener -Path $longest | Close-Socket").ThrowOnError();
                Assert.False(File.Exists(tooLong));
            }
            finally
            {
                File.Delete(longest);
            }
        }

        [Fact]
        public void AStreamClientAtADatagramSocketIsASocketTypeMismatch()
        {
            using Socket datagrams = RawUnix(SocketType.Dgram);
            datagrams.Bind(UnixEndPoint(_path.Path));
            PS.SetVariable("path", _path.Path);
            ErrorRecord error = ErrorOf("Connect-Socket -Path $path", "SocketTypeMismatch", ErrorCategory.ProtocolError);
            Assert.Contains("UnixDatagram", error.Exception.Message);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Theory]
        [InlineData("Connect-Socket -Path $path -Protocol Udp")]
        [InlineData("Connect-Socket 127.0.0.1 80 -Protocol UnixStream")]
        [InlineData("Start-SocketListener -Path $path -Protocol Tcp")]
        [InlineData("Start-SocketListener -Protocol UnixStream")]
        [InlineData("Start-SocketListener -Path $path -Port 80")]
        [InlineData("Start-SocketListener -Path $path -LocalAddress 127.0.0.1")]
        [InlineData("New-Socket -Protocol UnixStream -LocalPort 5")]
        [InlineData("New-Socket -Protocol UnixStream -AddressFamily IPv4")]
        [InlineData("New-Socket -LocalPath $path")]
        public void OptionsOfAnotherKindOfSocketConflict(string script)
        {
            PS.SetVariable("path", _path.Path);
            ErrorOf(script, "ConflictingParameters", ErrorCategory.InvalidArgument);
            Assert.False(_path.Exists);
            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void AUnixSessionAndAHostAddressDoNotMix()
        {
            PS.SetVariable("path", _path.Path);
            ErrorOf("New-Socket -Protocol UnixStream | Connect-Socket 127.0.0.1 80", "AddressFamilyMismatch", ErrorCategory.InvalidArgument);
            ErrorOf("New-Socket | Connect-Socket -Path $path", "AddressFamilyMismatch", ErrorCategory.InvalidArgument);
        }

        private ErrorRecord ErrorOf(string script, string expectedId, ErrorCategory category)
        {
            ScriptResult result = PS.Run(script);
            Assert.Equal(new[] { expectedId }, result.ErrorIds);
            ErrorRecord error = result.AllErrors.Single();
            Assert.Equal(category, error.CategoryInfo.Category);
            return error;
        }
    }
}
