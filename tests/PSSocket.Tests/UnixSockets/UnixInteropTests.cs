using System.IO;
using System.Linq;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.UnixSockets
{
    /// <summary>Unix domain sockets against socat (UNIX-LISTEN, UNIX-CONNECT, UNIX-SENDTO, UNIX-RECVFROM), byte for byte.</summary>
    public class UnixInteropTests : CmdletTestBase
    {
        [InteropFact("socat")]
        public void SocatUnixListenEchoesWhatAClientSends()
        {
            using var path = new TempSocketPath("il");
            using ExternalPeer socat = ExternalPeer.Start("socat", "-T", "10", "-t", "10", "UNIX-LISTEN:" + path.Path, "EXEC:cat");
            socat.WaitForPath(path.Path);

            byte[] data = RawPeer.RandomBytes(100_000, 31);
            PS.SetVariable("path", path.Path);
            PS.SetVariable("data", data);
            byte[] echo = (byte[])PS.Run("$c = Connect-Socket -Path $path -Timeout 5000; Send-SocketData -Session $c -Data $data -PassThru | Close-Socket -SendOnly -PassThru | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000")
                .ThrowOnError().Output.Single().BaseObject;
            Assert.Equal(data, echo);
            Assert.True(socat.WaitForExit(10_000));
            Assert.False(path.Exists, "socat removes its socket file when it ends");
        }

        [InteropFact("socat")]
        public void SocatUnixConnectSendsAFileToAListener()
        {
            using var path = new TempSocketPath("ic");
            string file = Path.GetTempFileName();
            byte[] data = RawPeer.RandomBytes(1024 * 1024 + 3, 32);
            File.WriteAllBytes(file, data);
            try
            {
                PS.SetVariable("path", path.Path);
                PS.Run("$l = Start-SocketListener -Path $path").ThrowOnError();
                using ExternalPeer socat = ExternalPeer.Start("socat", "-u", "OPEN:" + file, "UNIX-CONNECT:" + path.Path);
                byte[] received = (byte[])PS.Run("$l | Wait-SocketConnection -Timeout 10000 | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000")
                    .ThrowOnError().Output.Single().BaseObject;
                Assert.Equal(data, received);
                Assert.True(socat.WaitForExit(10_000), socat.Errors);
                PS.Run("Get-Socket | Close-Socket").ThrowOnError();
                Assert.False(path.Exists);
            }
            finally
            {
                File.Delete(file);
            }
        }

        [InteropFact("socat")]
        public void SocatUnixSendToAndRecvFromExchangeDatagramsWhole()
        {
            using var server = new TempSocketPath("is");
            using var client = new TempSocketPath("ik");
            using var echo = new TempSocketPath("ie");
            string file = Path.GetTempFileName();
            byte[] data = RawPeer.RandomBytes(1000, 33);
            File.WriteAllBytes(file, data);
            try
            {
                PS.SetVariable("server", server.Path);
                PS.SetVariable("client", client.Path);
                PS.SetVariable("echo", echo.Path);
                PS.Run("$s = Start-SocketListener -Protocol UnixDatagram -Path $server").ThrowOnError();
                using (ExternalPeer sender = ExternalPeer.Start("socat", "-u", "-b", "100", "OPEN:" + file, "UNIX-SENDTO:" + server.Path))
                {
                    Assert.True(sender.WaitForExit(10_000), sender.Errors);
                }

                var datagrams = PS.Run("Receive-SocketData $s -Count 10 -AsByteArray -Timeout 10000").ThrowOnError().All<SocketDatagram>();
                Assert.Equal(10, datagrams.Count);
                Assert.All(datagrams, d => Assert.Equal(100, d.Length));
                Assert.Equal(data, datagrams.SelectMany(d => (byte[])d.Data).ToArray());

                using ExternalPeer echoer = ExternalPeer.Start("socat", "-T", "10", "-t", "10", $"UNIX-RECVFROM:{echo.Path},fork", "EXEC:cat");
                echoer.WaitForPath(echo.Path);
                PS.Run("$c = New-Socket -Protocol UnixDatagram -LocalPath $client; 'ping', 'pong' | Send-SocketData -Session $c -RemoteEndPoint $echo").ThrowOnError();
                var answers = PS.Run("Receive-SocketData $c -Count 2 -Timeout 10000").ThrowOnError().All<SocketDatagram>();
                Assert.Equal(new[] { "ping", "pong" }, answers.Select(a => (string)a.Data).OrderBy(s => s));
                Assert.All(answers, a => Assert.Equal(echo.Path, a.RemoteEndPoint!.ToString()));
                PS.Run("Get-Socket | Close-Socket").ThrowOnError();
                Assert.False(server.Exists || client.Exists);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }
}
