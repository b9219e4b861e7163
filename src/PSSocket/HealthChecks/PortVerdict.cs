using System.Net.Sockets;
using PSSocket.Errors;

namespace PSSocket.HealthChecks
{
    /// <summary>
    /// Turns how a check failed into a port status a script can test: a failed connect by its cause, a failed
    /// certificate check by its kind, and a good certificate that expires within the threshold as CertificateExpiring.
    /// </summary>
    internal static class PortVerdict
    {
        /// <summary>
        /// The status of a failed connect, STARTTLS dialogue or handshake, by the error id it failed with. An id not
        /// listed is Unreachable before the connection was made, and TlsFailed once it was (<paramref name="connected"/>).
        /// </summary>
        public static string StatusFor(string errorId, bool connected) => errorId switch
        {
            ErrorIds.ConnectionRefused => PortStatus.Refused,
            ErrorIds.ConnectTimedOut => PortStatus.TimedOut,
            ErrorIds.NameNotResolved => PortStatus.NameNotResolved,
            ErrorIds.NoAddressForFamily => PortStatus.NameNotResolved,
            ErrorIds.HostUnreachable => PortStatus.Unreachable,
            ErrorIds.NetworkUnreachable => PortStatus.Unreachable,
            ErrorIds.TlsCertificateExpired => PortStatus.CertificateExpired,
            ErrorIds.TlsUntrustedCertificate => PortStatus.CertificateUntrusted,
            ErrorIds.TlsNameMismatch => PortStatus.CertificateNameMismatch,
            ErrorIds.TlsCertificateRevoked => PortStatus.CertificateRevoked,
            ErrorIds.StartTlsNotOffered => PortStatus.StartTlsFailed,
            ErrorIds.StartTlsRefused => PortStatus.StartTlsFailed,
            ErrorIds.StartTlsFailed => PortStatus.StartTlsFailed,
            _ => connected ? PortStatus.TlsFailed : PortStatus.Unreachable,
        };

        /// <summary>
        /// The status of a connect through a proxy that failed: what the proxy said of the target (a SOCKS5 reply
        /// carries the socket error it stands for), a time-out, a target name no proxy could take, and otherwise
        /// ProxyFailed: the proxy was not reached or would not carry the check.
        /// </summary>
        public static string StatusThroughProxy(SocketSessionException failure) => failure.ErrorId switch
        {
            ErrorIds.ProxyTargetUnreachable => (failure.InnerException as SocketException)?.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => PortStatus.Refused,
                SocketError.TimedOut => PortStatus.TimedOut,
                _ => PortStatus.Unreachable,
            },
            ErrorIds.ConnectTimedOut => PortStatus.TimedOut,
            ErrorIds.NameNotResolved => PortStatus.NameNotResolved,
            _ => PortStatus.ProxyFailed,
        };

        /// <summary>
        /// Marks an Open result whose certificate expires in fewer than <paramref name="minimumDays"/> whole days
        /// as CertificateExpiring (Success false). Results without a certificate, or that failed already, keep their status.
        /// </summary>
        public static void ApplyThreshold(PortCheckResult result, int? minimumDays)
        {
            if (minimumDays == null || result.Status != PortStatus.Open || result.CertificateDaysUntilExpiry == null)
            {
                return;
            }

            int days = result.CertificateDaysUntilExpiry.Value;
            if (days >= minimumDays.Value)
            {
                return;
            }

            result.Status = days < 0 ? PortStatus.CertificateExpired : PortStatus.CertificateExpiring;
            result.Success = false;
            result.ErrorId = days < 0 ? ErrorIds.TlsCertificateExpired : ErrorIds.CertificateExpiring;
            result.Message = days < 0
                ? $"The certificate '{result.CertificateSubject}' of {result.ComputerName} port {result.Port} expired on {result.CertificateNotAfter:u}."
                : $"The certificate '{result.CertificateSubject}' of {result.ComputerName} port {result.Port} expires on {result.CertificateNotAfter:u}, in {days} days; -MinimumDaysValid asks for {minimumDays} days.";
        }
    }
}
