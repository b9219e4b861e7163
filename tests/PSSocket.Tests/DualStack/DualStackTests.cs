using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.DualStack
{
    /// <summary>IPv6 and dual-stack listeners, forcing a family on the client side, and the written forms of end points.</summary>
    public class DualStackTests : CmdletTestBase
    {
        private static Socket RawClient(IPAddress address, int port)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(new IPEndPoint(address, port));
            return socket;
        }

        [Fact]
        public void ADualModeListenerAcceptsIPv4AndIPv6ClientsAndShowsIPv4Plainly()
        {
            SocketSession listener = PS.Run("$l = Start-SocketListener -LocalAddress :: -DualMode; $l").Single<SocketSession>();
            Assert.True(listener.Socket!.DualMode);
            Assert.Equal(IPFamily.IPv6, listener.AddressFamily);
            Assert.StartsWith("[::]:", listener.LocalEndPoint!.ToString());
            int port = PortOf(listener);

            using Socket v4 = RawClient(IPAddress.Loopback, port);
            using Socket v6 = RawClient(IPAddress.IPv6Loopback, port);
            var accepted = PS.Run("$l | Wait-SocketConnection -Count 2 -Timeout 5000").ThrowOnError().All<SocketSession>();

            SocketSession fromV4 = accepted.Single(s => ((IPEndPoint)s.RemoteEndPoint!).Port == ((IPEndPoint)v4.LocalEndPoint!).Port);
            SocketSession fromV6 = accepted.Single(s => ((IPEndPoint)s.RemoteEndPoint!).Port == ((IPEndPoint)v6.LocalEndPoint!).Port);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)v4.LocalEndPoint!).Port), fromV4.RemoteEndPoint);
            Assert.Equal($"127.0.0.1:{((IPEndPoint)v4.LocalEndPoint!).Port}", fromV4.RemoteEndPoint!.ToString());
            Assert.Equal($"127.0.0.1:{port}", fromV4.LocalEndPoint!.ToString());
            Assert.Equal($"[::1]:{((IPEndPoint)v6.LocalEndPoint!).Port}", fromV6.RemoteEndPoint!.ToString());

            PS.SetVariable("fromV4", fromV4);
            PS.Run("$fromV4 | Send-SocketData 'hello v4'").ThrowOnError();
            var buffer = new byte[20];
            v4.ReceiveTimeout = 5000;
            Assert.Equal("hello v4", Encoding.ASCII.GetString(buffer, 0, v4.Receive(buffer)));
        }

        [Fact]
        public void AnIPv6ListenerWithoutDualModeIsIPv6Only()
        {
            SocketSession listener = PS.Run("Start-SocketListener -LocalAddress ::").Single<SocketSession>();
            Assert.False(listener.Socket!.DualMode);
            var error = Assert.Throws<SocketException>(() => RawClient(IPAddress.Loopback, PortOf(listener)).Dispose());
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }

        [Fact]
        public void ADualModeUdpListenerHearsAndAnswersBothFamilies()
        {
            SocketSession listener = PS.Run("$u = Start-SocketListener -Protocol Udp -LocalAddress :: -DualMode; $u").Single<SocketSession>();
            int port = PortOf(listener);
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
            using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
            v4.SendTo(Encoding.ASCII.GetBytes("four"), new IPEndPoint(IPAddress.Loopback, port));
            v6.SendTo(Encoding.ASCII.GetBytes("six"), new IPEndPoint(IPAddress.IPv6Loopback, port));

            var datagrams = PS.Run("Receive-SocketData $u -Count 2 -Timeout 5000 | ForEach-Object { $_ | Send-SocketData \"re:$($_.Data)\"; $_ }").ThrowOnError().All<SocketDatagram>();
            SocketDatagram four = datagrams.Single(d => (string)d.Data == "four");
            SocketDatagram six = datagrams.Single(d => (string)d.Data == "six");
            Assert.Equal($"127.0.0.1:{((IPEndPoint)v4.LocalEndPoint!).Port}", four.RemoteEndPoint!.ToString());
            Assert.Equal($"[::1]:{((IPEndPoint)v6.LocalEndPoint!).Port}", six.RemoteEndPoint!.ToString());

            var buffer = new byte[20];
            Assert.Equal("re:four", Encoding.ASCII.GetString(buffer, 0, v4.Receive(buffer)));
            Assert.Equal("re:six", Encoding.ASCII.GetString(buffer, 0, v6.Receive(buffer)));
        }

        [Fact]
        public void DualModeNeedsTheWildcardAddressNamed()
        {
            ScriptResult unnamed = PS.Run("Start-SocketListener -DualMode");
            Assert.Equal(new[] { "ConflictingParameters" }, unnamed.ErrorIds);
            Assert.Equal(ErrorCategory.InvalidArgument, unnamed.AllErrors.Single().CategoryInfo.Category);

            foreach (string script in new[] { "Start-SocketListener -DualMode -LocalAddress 127.0.0.1", "Start-SocketListener -DualMode -LocalAddress :: -AddressFamily IPv4", "Start-SocketListener -Protocol Udp -DualMode -LocalAddress 0.0.0.0" })
            {
                ScriptResult result = PS.Run(script);
                Assert.Equal(new[] { "AddressFamilyMismatch" }, result.ErrorIds);
                Assert.Equal(ErrorCategory.InvalidArgument, result.Errors.Single().CategoryInfo.Category);
            }

            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void AddressFamilyForcesTheFamilyTriedAsNcatsFourAndSixDo()
        {
            HostResolver.TestHosts["both-families.pssocket.test"] = new[] { IPAddress.Loopback, IPAddress.IPv6Loopback };
            HostResolver.TestHosts["only-v6.pssocket.test"] = new[] { IPAddress.IPv6Loopback };
            using Socket v4 = RawPeer.Listen(IPAddress.Loopback);
            using var v6Same = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            v6Same.Bind(new IPEndPoint(IPAddress.IPv6Loopback, RawPeer.PortOf(v4)));
            v6Same.Listen(4);
            int port = RawPeer.PortOf(v4);

            SocketSession six = PS.Run($"Connect-Socket both-families.pssocket.test {port} -AddressFamily IPv6").Single<SocketSession>();
            Assert.Equal($"[::1]:{port}", six.RemoteEndPoint!.ToString());
            SocketSession four = PS.Run($"Connect-Socket both-families.pssocket.test {port} -AddressFamily IPv4").Single<SocketSession>();
            Assert.Equal($"127.0.0.1:{port}", four.RemoteEndPoint!.ToString());
            SocketSession viaNewSocket = PS.Run($"New-Socket -AddressFamily IPv6 | Connect-Socket both-families.pssocket.test {port}").Single<SocketSession>();
            Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, viaNewSocket.RemoteEndPoint!.AddressFamily);

            Assert.Equal(new[] { "NoAddressForFamily" }, PS.Run($"Connect-Socket only-v6.pssocket.test {port} -AddressFamily IPv4").ErrorIds);
            Assert.Equal(new[] { "NoAddressForFamily" }, PS.Run($"Connect-Socket ::1 {port} -AddressFamily IPv4").ErrorIds);
            Assert.Equal(new[] { "NoAddressForFamily" }, PS.Run($"Connect-Socket 127.0.0.1 {port} -AddressFamily IPv6").ErrorIds);
        }

        [Fact]
        public void ALocalAddressOfTheOtherFamilyIsAMismatch()
        {
            foreach (string script in new[]
            {
                "New-Socket -AddressFamily IPv4 -LocalAddress ::1",
                "New-Socket -Protocol Udp -AddressFamily IPv6 -LocalAddress 127.0.0.1",
                "Start-SocketListener -AddressFamily IPv6 -LocalAddress 127.0.0.1",
                "Start-SocketListener -Protocol Udp -AddressFamily IPv4 -LocalAddress ::1",
            })
            {
                ScriptResult result = PS.Run(script);
                Assert.Equal(new[] { "AddressFamilyMismatch" }, result.ErrorIds);
                Assert.Equal(ErrorCategory.InvalidArgument, result.Errors.Single().CategoryInfo.Category);
            }

            Assert.Empty(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void EndPointsShowInTheirUsualForms()
        {
            Assert.Equal("127.0.0.1:80", EndPoints.Format(new IPEndPoint(IPAddress.Loopback, 80)));
            Assert.Equal("[::1]:80", EndPoints.Format(new IPEndPoint(IPAddress.IPv6Loopback, 80)));
            Assert.Equal("127.0.0.1:80", EndPoints.Format(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 80)));
            Assert.Equal("/path/to.sock", EndPoints.Format(UnixEndPoints.Create("/path/to.sock", null)));
            Assert.Equal("/path/to.sock", EndPoints.Format(new SocketPathEndPoint("/path/to.sock")));
            Assert.Equal("example.org:53", EndPoints.Format(new DnsEndPoint("example.org", 53)));

            SocketSession v6 = PS.Run("Start-SocketListener -AddressFamily IPv6").Single<SocketSession>();
            Assert.Equal($"Tcp [::1]:{PortOf(v6)} (Listening)", v6.ToString());
        }

        [Theory]
        [InlineData("127.0.0.1:53", "127.0.0.1:53")]
        [InlineData("[::1]:53", "[::1]:53")]
        [InlineData("[::ffff:127.0.0.1]:53", "127.0.0.1:53")]
        [InlineData("example.org:53", "example.org:53")]
        [InlineData("/run/x.sock", "/run/x.sock")]
        [InlineData("./x.sock", "/base/./x.sock")]
        public void TheWrittenFormsOfADestinationAreRead(string text, string expected)
        {
            EndPoint? endPoint = EndPointParser.TryParse(text, path => path.StartsWith("/") ? path : "/base/" + path, out string? problem);
            Assert.Null(problem);
            Assert.Equal(expected, EndPoints.Format(endPoint));
        }

        [Theory]
        [InlineData("127.0.0.1")]
        [InlineData("example.org")]
        [InlineData("127.0.0.1:0")]
        [InlineData("127.0.0.1:65536")]
        [InlineData("127.0.0.1:http")]
        [InlineData("::1:53")]
        [InlineData("[example.org]:53")]
        public void TextThatIsNoEndPointSaysWhy(string text)
        {
            Assert.Null(EndPointParser.TryParse(text, path => path, out string? problem));
            Assert.False(string.IsNullOrEmpty(problem));
        }
    }
}
