using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.Errors;

namespace PSSocket.Commands
{
    internal static partial class ErrorRecordFactory
    {
        private static readonly Dictionary<string, ErrorCategory> CertificateCategories = new Dictionary<string, ErrorCategory>
        {
            [ErrorIds.CertificateKeyMissing] = ErrorCategory.InvalidArgument,
            [ErrorIds.CertificateKeyMismatch] = ErrorCategory.InvalidData,
            [ErrorIds.CertificateFormatUnsupported] = ErrorCategory.InvalidData,
            [ErrorIds.CertificatePasswordRequired] = ErrorCategory.InvalidArgument,
            [ErrorIds.StartTlsNotOffered] = ErrorCategory.ProtocolError,
            [ErrorIds.StartTlsRefused] = ErrorCategory.PermissionDenied,
            [ErrorIds.StartTlsFailed] = ErrorCategory.ProtocolError,
            [ErrorIds.CertificateExpiring] = ErrorCategory.SecurityError,
            [ErrorIds.TlsCertificateRevoked] = ErrorCategory.SecurityError,
        };
    }
}
