using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Bad input gets an ErrorRecord with a stable id, a fitting category and a target, and leaves nothing open.</summary>
    public class ErrorTests : CmdletTestBase
    {
        private ErrorRecord SingleError(string script, string expectedId)
        {
            ScriptResult result = PS.Run(script);
            Assert.Equal(new[] { expectedId }, result.ErrorIds);
            return result.AllErrors.Single();
        }

        private void AssertNothingOpen() => Assert.Empty(PS.Run("Get-Socket").Output);

        [Theory]
        [InlineData("Connect-Socket 127.0.0.1 65536")]
        [InlineData("Connect-Socket 127.0.0.1 -1")]
        [InlineData("Connect-Socket 127.0.0.1 0")]
        [InlineData("Start-SocketListener -Port 70000")]
        [InlineData("New-Socket -LocalPort 65536")]
        public void PortOutsideTheRangeIsRejectedByValidation(string script)
        {
            SingleError(script, "ParameterArgumentValidationError");
            AssertNothingOpen();
        }

        [Fact]
        public void AHostThatDoesNotResolve()
        {
            ErrorRecord error = SingleError("Connect-Socket no-such-host.invalid 80 -Timeout 5000", "NameNotResolved");
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("no-such-host.invalid", error.TargetObject);
            Assert.Contains("no-such-host.invalid", error.Exception.Message);
            AssertNothingOpen();
        }

        [Fact]
        public void ConnectionRefusedSaysWhereAndTargetsTheEndPoint()
        {
            int port = RawPeer.ClosedPort();
            ErrorRecord error = SingleError($"Connect-Socket 127.0.0.1 {port}", "ConnectionRefused");
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Equal($"Connection to 127.0.0.1:{port} was refused.", error.Exception.Message);
            Assert.Equal($"127.0.0.1:{port}", error.TargetObject);
            AssertNothingOpen();
        }

        [Fact]
        public void RefusedForAPipedSessionLeavesItUsable()
        {
            int port = RawPeer.ClosedPort();
            ScriptResult result = PS.Run($"$s = New-Socket; $s | Connect-Socket 127.0.0.1 {port}; $s.State");
            Assert.Equal(new[] { "ConnectionRefused" }, result.ErrorIds);
            Assert.Equal(SocketState.Created, result.Output.Single().BaseObject);
            PS.Run("$l = Start-SocketListener; $s | Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port | Out-Null").ThrowOnError();
            Assert.Equal(SocketState.Connected, ((SocketSession)PS.GetVariable("s")!).State);
        }

        [Fact]
        public void GettingASessionIdThatIsNotOpen()
        {
            ScriptResult result = PS.Run("$l = Start-SocketListener; Get-Socket -Id $l.Id, 999");
            Assert.Equal(new[] { "SessionNotFound" }, result.ErrorIds);
            Assert.Equal(999, result.Errors.Single().TargetObject);
            Assert.Single(result.Output);
        }

        [Fact]
        public void ConnectTimeout()
        {
            using var unanswered = new UnansweredEndPoint();
            ErrorRecord error = SingleError($"Connect-Socket 127.0.0.1 {unanswered.Port} -Timeout 200", "ConnectTimedOut");
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains($"127.0.0.1:{unanswered.Port}", error.Exception.Message);
            AssertNothingOpen();
        }

        [Fact]
        public void ReceiveTimeoutKeepsTheSessionAndLaterDataArrives()
        {
            using Socket server = ConnectClientToRawServer();
            ErrorRecord error = SingleError("$client | Receive-SocketData -Line -Timeout 100", "ReceiveTimedOut");
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Same(PS.GetVariable("client"), error.TargetObject);
            server.Send(System.Text.Encoding.UTF8.GetBytes("late\n"));
            Assert.Equal("late", PS.Run("$client | Receive-SocketData -Line -Timeout 5000").Single<string>());
        }

        [Fact]
        public void SendingOrReceivingOnAClosedSession()
        {
            using Socket server = ConnectClientToRawServer();
            PS.Run("$client | Close-Socket").ThrowOnError();
            Assert.Equal(ErrorCategory.InvalidOperation, SingleError("$client | Send-SocketData 'x'", "SessionClosed").CategoryInfo.Category);
            SingleError("$client | Receive-SocketData", "SessionClosed");
            SingleError("$client | Close-Socket -SendOnly", "SessionClosed");
            Assert.Empty(PS.Run("$client | Close-Socket").Errors);
        }

        [Fact]
        public void ReceivingOrSendingOnAListener()
        {
            PS.Run("$l = Start-SocketListener").ThrowOnError();
            SingleError("$l | Receive-SocketData", "ReceiveOnListener");
            SingleError("$l | Send-SocketData 'x'", "SendOnListener");
        }

        [Fact]
        public void SendingOnASessionThatIsNotConnected()
        {
            SingleError("$s = New-Socket; $s | Send-SocketData 'x'", "NotConnected");
            SingleError("$s | Receive-SocketData", "NotConnected");
            SingleError("$s | Wait-SocketConnection -Timeout 10", "NotListening");
        }

        [Fact]
        public void APeerThatResetsTheConnection()
        {
            Socket server = ConnectClientToRawServer();
            server.LingerState = new LingerOption(true, 0);
            server.Close();
            ErrorRecord error = SingleError("$client | Receive-SocketData -Timeout 5000", "ConnectionReset");
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        }

        [Fact]
        public void AnUnknownEncodingNameStopsTheCommand()
        {
            using Socket server = ConnectClientToRawServer();
            ScriptResult result = PS.Run("$client | Send-SocketData 'x' -Encoding no-such-encoding");
            Assert.Equal(new[] { "UnknownEncoding" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.InvalidArgument, result.AllErrors.Single().CategoryInfo.Category);
            Assert.Equal("no-such-encoding", result.AllErrors.Single().TargetObject);
            SingleError("$client | Receive-SocketData -Encoding bogus -Timeout 10", "UnknownEncoding");
            SingleError("New-Socket -Encoding bogus", "UnknownEncoding");
            Assert.Equal(0L, ((SocketSession)PS.GetVariable("client")!).BytesSent);
        }

        [Theory]
        [InlineData("$client | Receive-SocketData -Count 0")]
        [InlineData("$client | Receive-SocketData -Count -5")]
        [InlineData("$client | Receive-SocketData -Timeout -2")]
        [InlineData("$client | Receive-SocketData -Delimiter ''")]
        public void ZeroOrNegativeCountsAreRejectedByValidation(string script)
        {
            using Socket server = ConnectClientToRawServer();
            string id = SingleError(script, PS.Run(script).ErrorIds.Single()).FullyQualifiedErrorId.Split(',')[0];
            Assert.StartsWith("ParameterArgumentValidationError", id);
        }

        [Fact]
        public void EndOfStreamBeforeTheCountKeepsTheBytes()
        {
            using Socket server = ConnectClientToRawServer();
            server.Send(new byte[] { 1, 2, 3 });
            server.Shutdown(SocketShutdown.Send);
            ErrorRecord error = SingleError("$client | Receive-SocketData -Count 10 -Timeout 5000", "EndOfStream");
            Assert.Equal(ErrorCategory.ReadError, error.CategoryInfo.Category);
            Assert.Equal(new byte[] { 1, 2, 3 }, PS.Run("$client | Receive-SocketData -AsByteArray").Single<byte[]>());
        }

        [Fact]
        public void ConnectingAConnectedSessionIsAlreadyConnected()
        {
            using Socket server = ConnectClientToRawServer();
            SingleError($"$client | Connect-Socket 127.0.0.1 {RawPeer.ClosedPort()}", "AlreadyConnected");
        }

        [Fact]
        public void ListeningOnAPortInUse()
        {
            PS.Run("$l = Start-SocketListener").ThrowOnError();
            ErrorRecord error = SingleError("Start-SocketListener -Port $l.LocalEndPoint.Port", "AddressInUse");
            Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
            Assert.Single(PS.Run("Get-Socket").Output);
        }

        [Fact]
        public void AFamilyTheAddressDoesNotMatch()
        {
            SingleError("$s = New-Socket -AddressFamily IPv6; $s | Connect-Socket 127.0.0.1 80", "NoAddressForFamily");
            PS.Run("$s | Close-Socket").ThrowOnError();
            SingleError("New-Socket -AddressFamily IPv6 -LocalAddress 127.0.0.1", "AddressFamilyMismatch");
            AssertNothingOpen();
        }

        [Fact]
        public void ErrorsAreNonTerminatingSoTheNextItemStillRuns()
        {
            int refused = RawPeer.ClosedPort();
            ScriptResult result = PS.Run($@"
$l = Start-SocketListener
$ports = {refused}, $l.LocalEndPoint.Port
$ports | ForEach-Object {{ Connect-Socket 127.0.0.1 $_ -ErrorAction SilentlyContinue }} | ForEach-Object {{ $_.State }}");
            Assert.Equal(new object[] { SocketState.Connected }, result.Output.Select(o => o.BaseObject).ToArray());
            Assert.Throws<System.InvalidOperationException>(() => PS.Run($"Connect-Socket 127.0.0.1 {refused} -ErrorAction Stop").ThrowOnError());
        }
    }
}
