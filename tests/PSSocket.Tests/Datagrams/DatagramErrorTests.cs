using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Datagrams
{
    /// <summary>Every bad input on datagram sessions gets its stable error id and category, and leaves no socket open.</summary>
    public class DatagramErrorTests : CmdletTestBase
    {
        private ErrorRecord SingleError(string script, string expectedId, ErrorCategory category)
        {
            ScriptResult result = PS.Run(script);
            Assert.Equal(new[] { expectedId }, result.ErrorIds);
            ErrorRecord error = result.AllErrors.Single();
            Assert.Equal(category, error.CategoryInfo.Category);
            return error;
        }

        private void AssertNothingOpen() => Assert.Empty(PS.Run("Get-Socket").Output);

        [Theory]
        [InlineData("Receive-SocketData $u -Line")]
        [InlineData("Receive-SocketData $u -ToEnd")]
        [InlineData("Receive-SocketData $u -Delimiter ';'")]
        [InlineData("Receive-SocketData $u -Count 10 -OutFile $never")]
        [InlineData("Receive-SocketData $u -ToEnd -OutFile $never")]
        [InlineData("Send-SocketData -Session $u -Path $file")]
        [InlineData("Wait-SocketConnection $u -Timeout 100")]
        [InlineData("Close-Socket $u -SendOnly")]
        public void AStreamOnlyModeOnAUdpSessionIsNotAStreamSession(string script)
        {
            string never = Path.Combine(Path.GetTempPath(), "pss-never-" + System.Guid.NewGuid().ToString("N") + ".bin");
            string file = Path.GetTempFileName();
            File.WriteAllText(file, "file contents");
            try
            {
                PS.SetVariable("never", never);
                PS.SetVariable("file", file);
                PS.Run("$u = Start-SocketListener -Protocol Udp").ThrowOnError();
                ErrorRecord error = SingleError(script, "NotAStreamSession", ErrorCategory.InvalidOperation);
                Assert.Same(PS.GetVariable("u"), error.TargetObject);
                Assert.False(File.Exists(never));
                Assert.Equal(SocketState.Bound, ((SocketSession)PS.GetVariable("u")!).State);
            }
            finally
            {
                File.Delete(file);
            }
        }

        [Fact]
        public void SendingAFileOnADatagramSessionFailsEvenForAnEmptyFile()
        {
            string empty = Path.GetTempFileName();
            try
            {
                PS.SetVariable("empty", empty);
                SingleError("$u = Start-SocketListener -Protocol Udp; Send-SocketData -Session $u -Path $empty", "NotAStreamSession", ErrorCategory.InvalidOperation);
            }
            finally
            {
                File.Delete(empty);
            }
        }

        [Theory]
        [InlineData("127.0.0.1", SocketSession.MaxUdpDatagramIPv4)]
        [InlineData("::1", SocketSession.MaxUdpDatagramIPv6)]
        public void ADatagramOverTheLimitIsAnErrorAndNothingIsSent(string address, int limit)
        {
            IPAddress ip = IPAddress.Parse(address);
            using var receiver = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
            receiver.Bind(new IPEndPoint(ip, 0));
            PS.SetVariable("to", receiver.LocalEndPoint!.ToString());
            PS.SetVariable("max", new byte[limit]);
            PS.SetVariable("over", new byte[limit + 1]);
            PS.Run($"$c = New-Socket -Protocol Udp -AddressFamily {(ip.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}").ThrowOnError();

            ErrorRecord error = SingleError("Send-SocketData -Session $c -RemoteEndPoint $to -Data $over", "DatagramTooLarge", ErrorCategory.LimitsExceeded);
            Assert.Contains(limit.ToString(), error.Exception.Message);
            PS.Run("Send-SocketData -Session $c -RemoteEndPoint $to -Data $max").ThrowOnError();

            var buffer = new byte[70_000];
            Assert.Equal(limit, receiver.Receive(buffer)); // the first datagram to arrive is the one that fit
            Assert.Equal(1L, ((SocketSession)PS.GetVariable("c")!).DatagramsSent);
        }

        [Fact]
        public void SendingOnAnUnconnectedSessionWithoutADestination()
        {
            SingleError("$c = New-Socket -Protocol Udp; $c | Send-SocketData 'where to?'", "NoDestination", ErrorCategory.InvalidOperation);
            SingleError("$u = Start-SocketListener -Protocol Udp; Send-SocketData -Session $u -Data 'where to?'", "NoDestination", ErrorCategory.InvalidOperation);
        }

        [Fact]
        public void ReceivingBeforeTheSessionHasAnAddress()
        {
            SingleError("$c = New-Socket -Protocol Udp; Receive-SocketData $c -Timeout 100", "NotBound", ErrorCategory.InvalidOperation);
        }

        [Fact]
        public void ADestinationForAStreamSession()
        {
            using Socket server = ConnectClientToRawServer();
            SingleError("Send-SocketData -Session $client -RemoteEndPoint 127.0.0.1:9 -Data 'x'", "NotADatagramSession", ErrorCategory.InvalidOperation);
            SingleError("Send-SocketData -Session $client -ComputerName localhost -Port 9 -Data 'x'", "NotADatagramSession", ErrorCategory.InvalidOperation);
            server.ReceiveTimeout = 200;
            Assert.Throws<SocketException>(() => server.Receive(new byte[10]));
        }

        [Fact]
        public void ADestinationOfTheWrongFamily()
        {
            SingleError("$c = New-Socket -Protocol Udp -AddressFamily IPv4; Send-SocketData -Session $c -RemoteEndPoint '[::1]:9' -Data 'x'", "AddressFamilyMismatch", ErrorCategory.InvalidArgument);
            SingleError("$u = Start-SocketListener -Protocol Udp; Send-SocketData -Session $u -RemoteEndPoint '[::1]:9' -Data 'x'", "AddressFamilyMismatch", ErrorCategory.InvalidArgument);
            SingleError("Send-SocketData -Session $u -RemoteEndPoint /tmp/x.sock -Data 'x'", "AddressFamilyMismatch", ErrorCategory.InvalidArgument);
            SingleError("$c6 = New-Socket -Protocol Udp -AddressFamily IPv6; Send-SocketData -Session $c6 -ComputerName 127.0.0.1 -Port 9 -Data 'x'", "NoAddressForFamily", ErrorCategory.InvalidArgument);
        }

        [Theory]
        [InlineData("Send-SocketData -Session $u -ComputerName localhost -Data x")]
        [InlineData("Send-SocketData -Session $u -Port 9 -Data x")]
        [InlineData("Send-SocketData -Session $u -ComputerName localhost -Port 9 -RemoteEndPoint 127.0.0.1:9 -Data x")]
        [InlineData("New-Socket -Protocol Tcp -Broadcast")]
        [InlineData("Connect-Socket 127.0.0.1 9 -Broadcast")]
        [InlineData("Start-SocketListener -Protocol Udp -Backlog 5")]
        [InlineData("Start-SocketListener -EnableBroadcast")]
        [InlineData("Start-SocketListener -MulticastGroup 239.1.2.3")]
        public void OptionsOfAnotherKindOfSocketConflict(string script)
        {
            PS.Run("$u = Start-SocketListener -Protocol Udp").ThrowOnError();
            SingleError(script, "ConflictingParameters", ErrorCategory.InvalidArgument);
            Assert.Single(PS.Run("Get-Socket").Output);
        }

        [Theory]
        [InlineData("10.1.2.3", "InvalidMulticastGroup")]
        [InlineData("ff02::1", "AddressFamilyMismatch")]
        public void ABadMulticastGroup(string group, string expectedId)
        {
            ScriptResult result = PS.Run($"Start-SocketListener -Protocol Udp -LocalAddress 127.0.0.1 -MulticastGroup {group}");
            Assert.Equal(new[] { expectedId }, result.ErrorIds);
            Assert.Equal(ErrorCategory.InvalidArgument, result.Errors.Single().CategoryInfo.Category);
            AssertNothingOpen();
        }

        [Theory]
        [InlineData("127.0.0.1")]
        [InlineData("127.0.0.1:0")]
        [InlineData("127.0.0.1:70000")]
        [InlineData("::1:53")]
        [InlineData("host name:53")]
        public void AnEndPointThatCannotBeReadIsRejectedByBinding(string text)
        {
            PS.SetVariable("text", text);
            ScriptResult result = PS.Run("$u = Start-SocketListener -Protocol Udp; Send-SocketData -Session $u -RemoteEndPoint $text -Data 'x'");
            Assert.Equal(new[] { "ParameterArgumentTransformationError" }, result.ErrorIds);
            Assert.Equal(0L, ((SocketSession)PS.GetVariable("u")!).DatagramsSent);
        }

        [Fact]
        public void AHostNameThatDoesNotResolve()
        {
            SingleError("$u = Start-SocketListener -Protocol Udp; Send-SocketData -Session $u -RemoteEndPoint no-such-host.invalid:53 -Data 'x'", "NameNotResolved", ErrorCategory.ObjectNotFound);
        }

        [Fact]
        public void ABindThatFailsLeavesNoSession()
        {
            using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
            SingleError($"Start-SocketListener -Protocol Udp -Port {port}", "AddressInUse", ErrorCategory.ResourceBusy);
            SingleError($"New-Socket -Protocol Udp -LocalAddress 127.0.0.1 -LocalPort {port}", "AddressInUse", ErrorCategory.ResourceBusy);
            SingleError("Start-SocketListener -Protocol Udp -LocalAddress 192.0.2.1", "AddressNotAvailable", ErrorCategory.InvalidArgument);
            AssertNothingOpen();
        }
    }
}
