using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Datagrams
{
    /// <summary>UDP sessions against socat (UDP4-SENDTO, UDP4-RECVFROM) and ncat -u: byte-for-byte data and exact datagram counts.</summary>
    public class UdpInteropTests : CmdletTestBase
    {
        [InteropFact("socat")]
        public void SocatUdp4SendToReachesAListenerOneDatagramPerBlock()
        {
            SocketSession listener = PS.Run("$u = Start-SocketListener -Protocol Udp; $u").Single<SocketSession>();
            byte[] file = RawPeer.RandomBytes(1000, 21);
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, file);
                using (ExternalPeer socat = ExternalPeer.Start("socat", "-u", "-b", "100", "OPEN:" + path, $"UDP4-SENDTO:127.0.0.1:{PortOf(listener)}"))
                {
                    Assert.True(socat.WaitForExit(10_000), socat.Errors);
                }

                var datagrams = PS.Run("Receive-SocketData $u -Count 10 -AsByteArray -Timeout 10000").ThrowOnError().All<SocketDatagram>();
                Assert.Equal(10, datagrams.Count);
                Assert.All(datagrams, d => Assert.Equal(100, d.Length));
                Assert.Equal(file, datagrams.SelectMany(d => (byte[])d.Data).ToArray());
                Assert.Single(datagrams.Select(d => d.RemoteEndPoint).Distinct());
                Assert.Equal(IPAddress.Loopback, ((IPEndPoint)datagrams[0].RemoteEndPoint!).Address);
                Assert.Equal(new[] { "ReceiveTimedOut" }, PS.Run("Receive-SocketData $u -Timeout 200").ErrorIds);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [InteropFact("socat")]
        public void SocatUdp4RecvFromEchoesEveryDatagramByteForByte()
        {
            int port = ExternalPeer.FreeLoopbackPort();
            using ExternalPeer socat = ExternalPeer.Start("socat", "-T", "10", "-t", "10", $"UDP4-RECVFROM:{port},bind=127.0.0.1,fork", "EXEC:cat");
            socat.WaitForPort(port, udp: true, ipv6: false);

            var payloads = Enumerable.Range(1, 20).Select(i => RawPeer.RandomBytes(i * 61, 100 + i)).ToList();
            PS.SetVariable("payloads", payloads.ToArray());
            PS.Run($"$c = New-Socket -Protocol Udp; foreach ($p in $payloads) {{ Send-SocketData -Session $c -RemoteEndPoint 127.0.0.1:{port} -Data $p }}").ThrowOnError();
            var echoes = PS.Run("Receive-SocketData $c -Count 20 -AsByteArray -Timeout 10000").ThrowOnError().All<SocketDatagram>();

            // socat answers each datagram from a process of its own, so the answers may come in another order.
            Assert.Equal(20, echoes.Count);
            Assert.Equal(
                payloads.Select(Convert.ToBase64String).OrderBy(s => s),
                echoes.Select(d => Convert.ToBase64String((byte[])d.Data)).OrderBy(s => s));
            Assert.All(echoes, d => Assert.Equal($"127.0.0.1:{port}", d.RemoteEndPoint!.ToString()));
            Assert.Equal(20L, ((SocketSession)PS.GetVariable("c")!).DatagramsSent);
        }

        [InteropFact("ncat")]
        public void NcatUdpListenerGetsTheDatagramsOfAConnectedSessionAndAnswers()
        {
            int port = ExternalPeer.FreeLoopbackPort();
            using ExternalPeer ncat = ExternalPeer.Start("ncat", "-u", "-l", "127.0.0.1", port.ToString());
            ncat.WaitForPort(port, udp: true, ipv6: false);

            PS.Run($"$c = Connect-Socket 127.0.0.1 {port} -Protocol Udp; 'one', 'two', 'three' | Send-SocketData -Session $c -Line").ThrowOnError();
            Assert.Equal("one\ntwo\nthree\n", Encoding.ASCII.GetString(ncat.WaitForOutput(14)));

            ncat.StandardInput.Write(Encoding.ASCII.GetBytes("pong\n"));
            ncat.StandardInput.Flush();
            SocketDatagram answer = PS.Run("Receive-SocketData $c -Timeout 10000").Single<SocketDatagram>();
            Assert.Equal("pong\n", answer.Data);
            Assert.Equal($"127.0.0.1:{port}", answer.RemoteEndPoint!.ToString());
        }

        [InteropFact("ncat")]
        public void NcatUdpClientReachesAListenerAndHearsTheAnswer()
        {
            SocketSession listener = PS.Run("$u = Start-SocketListener -Protocol Udp; $u").Single<SocketSession>();
            using ExternalPeer ncat = ExternalPeer.Start("ncat", "-u", "127.0.0.1", PortOf(listener).ToString());
            ncat.StandardInput.Write(Encoding.ASCII.GetBytes("hello from ncat\n"));
            ncat.StandardInput.Flush();

            SocketDatagram datagram = PS.Run("$d = Receive-SocketData $u -Timeout 10000; $d").Single<SocketDatagram>();
            Assert.Equal("hello from ncat\n", datagram.Data);
            PS.Run("$d | Send-SocketData \"hi ncat`n\"").ThrowOnError();
            Assert.Equal("hi ncat\n", Encoding.ASCII.GetString(ncat.WaitForOutput(8)));
        }
    }
}
