using System;
using System.Linq;
using PSSocket.Errors;
using PSSocket.HealthChecks;
using Xunit;

namespace PSSocket.Tests.HealthCheck
{
    /// <summary>The engine parts of Test-SocketPort that need no socket: port lists and the status of each error id.</summary>
    public class PortListTests
    {
        [Theory]
        [InlineData("443", new[] { 443 })]
        [InlineData("80,443", new[] { 80, 443 })]
        [InlineData("22, 80 8000-8003", new[] { 22, 80, 8000, 8001, 8002, 8003 })]
        [InlineData("1-3;3", new[] { 1, 2, 3, 3 })]
        [InlineData("65535", new[] { 65535 })]
        public void ListsAndRangesAreRead(string text, int[] expected)
        {
            Assert.Equal(expected, PortList.Parse(text).ToArray());
        }

        [Theory]
        [InlineData("")]
        [InlineData("0")]
        [InlineData("65536")]
        [InlineData("http")]
        [InlineData("10-5")]
        [InlineData("-5")]
        [InlineData("1-")]
        public void AnythingElseIsAFormatError(string text)
        {
            Assert.Throws<FormatException>(() => PortList.Parse(text).ToArray());
        }

        [Theory]
        [InlineData(ErrorIds.ConnectionRefused, PortStatus.Refused)]
        [InlineData(ErrorIds.ConnectTimedOut, PortStatus.TimedOut)]
        [InlineData(ErrorIds.NameNotResolved, PortStatus.NameNotResolved)]
        [InlineData(ErrorIds.NoAddressForFamily, PortStatus.NameNotResolved)]
        [InlineData(ErrorIds.HostUnreachable, PortStatus.Unreachable)]
        [InlineData(ErrorIds.NetworkUnreachable, PortStatus.Unreachable)]
        [InlineData(ErrorIds.SocketError, PortStatus.Unreachable)]
        public void EachConnectFailureHasItsStatus(string errorId, string status)
        {
            Assert.Equal(status, PortVerdict.StatusFor(errorId, connected: false));
        }

        [Theory]
        [InlineData(ErrorIds.TlsCertificateExpired, PortStatus.CertificateExpired)]
        [InlineData(ErrorIds.TlsUntrustedCertificate, PortStatus.CertificateUntrusted)]
        [InlineData(ErrorIds.TlsNameMismatch, PortStatus.CertificateNameMismatch)]
        [InlineData(ErrorIds.TlsCertificateRevoked, PortStatus.CertificateRevoked)]
        [InlineData(ErrorIds.StartTlsNotOffered, PortStatus.StartTlsFailed)]
        [InlineData(ErrorIds.StartTlsRefused, PortStatus.StartTlsFailed)]
        [InlineData(ErrorIds.StartTlsFailed, PortStatus.StartTlsFailed)]
        [InlineData(ErrorIds.TlsHandshakeTimedOut, PortStatus.TlsFailed)]
        [InlineData(ErrorIds.ConnectionReset, PortStatus.TlsFailed)]
        public void EachFailureAfterTheConnectHasItsStatus(string errorId, string status)
        {
            Assert.Equal(status, PortVerdict.StatusFor(errorId, connected: true));
        }
    }
}
