using System.IO;
using System.Linq;
using System.Net;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.DualStack
{
    /// <summary>IPv6 and dual-stack against socat (TCP6-LISTEN, TCP4 and TCP6 clients).</summary>
    public class Tcp6InteropTests : CmdletTestBase
    {
        private static byte[] Bytes(object value) => (byte[])(value is System.Management.Automation.PSObject wrapper ? wrapper.BaseObject : value);

        [InteropFact("socat")]
        public void SocatTcp6ListenerServesAClientThatForcesIPv6()
        {
            int port = ExternalPeer.FreeLoopbackPort();
            using ExternalPeer socat = ExternalPeer.Start("socat", "-T", "10", "-t", "10", $"TCP6-LISTEN:{port},bind=[::1],reuseaddr", "EXEC:cat");
            socat.WaitForPort(port, udp: false, ipv6: true);
            HostResolver.TestHosts["socat-v6.pssocket.test"] = new[] { IPAddress.Loopback, IPAddress.IPv6Loopback };

            // As ncat -4 would: only the IPv4 address is tried, and nothing listens there.
            Assert.Equal(new[] { "ConnectionRefused" }, PS.Run($"Connect-Socket socat-v6.pssocket.test {port} -AddressFamily IPv4 -Timeout 5000").ErrorIds);

            byte[] data = RawPeer.RandomBytes(50_000, 41);
            PS.SetVariable("data", data);
            SocketSession session = PS.Run($"$c = Connect-Socket socat-v6.pssocket.test {port} -AddressFamily IPv6 -Timeout 5000; $c").Single<SocketSession>();
            Assert.Equal($"[::1]:{port}", session.RemoteEndPoint!.ToString());
            byte[] echo = (byte[])PS.Run("Send-SocketData -Session $c -Data $data -PassThru | Close-Socket -SendOnly -PassThru | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000")
                .ThrowOnError().Output.Single().BaseObject;
            Assert.Equal(data, echo);
        }

        [InteropFact("socat")]
        public void SocatTcp4AndTcp6ClientsReachOneDualModeListener()
        {
            SocketSession listener = PS.Run("$l = Start-SocketListener -LocalAddress :: -DualMode; $l").Single<SocketSession>();
            string four = Path.GetTempFileName(), six = Path.GetTempFileName();
            byte[] fourData = RawPeer.RandomBytes(20_000, 42), sixData = RawPeer.RandomBytes(30_000, 43);
            File.WriteAllBytes(four, fourData);
            File.WriteAllBytes(six, sixData);
            try
            {
                using ExternalPeer v4 = ExternalPeer.Start("socat", "-u", "OPEN:" + four, $"TCP4:127.0.0.1:{PortOf(listener)}");
                using ExternalPeer v6 = ExternalPeer.Start("socat", "-u", "OPEN:" + six, $"TCP6:[::1]:{PortOf(listener)}");
                var received = PS.Run("$l | Wait-SocketConnection -Count 2 -Timeout 10000 | ForEach-Object { [pscustomobject]@{ From = $_.RemoteEndPoint.ToString(); Data = ($_ | Receive-SocketData -ToEnd -AsByteArray -Timeout 10000) } }")
                    .ThrowOnError().Output;
                Assert.Equal(2, received.Count);
                var fromFour = received.Single(r => ((string)r.Properties["From"].Value).StartsWith("127.0.0.1:"));
                var fromSix = received.Single(r => ((string)r.Properties["From"].Value).StartsWith("[::1]:"));
                Assert.Equal(fourData, Bytes(fromFour.Properties["Data"].Value));
                Assert.Equal(sixData, Bytes(fromSix.Properties["Data"].Value));
                Assert.True(v4.WaitForExit(10_000) && v6.WaitForExit(10_000));
            }
            finally
            {
                File.Delete(four);
                File.Delete(six);
            }
        }
    }
}
