using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.Errors;

namespace PSSocket.Commands
{
    internal static partial class ErrorRecordFactory
    {
        private static readonly Dictionary<string, ErrorCategory> KindCategories = new Dictionary<string, ErrorCategory>
        {
            [ErrorIds.NotAStreamSession] = ErrorCategory.InvalidOperation,
            [ErrorIds.NotADatagramSession] = ErrorCategory.InvalidOperation,
            [ErrorIds.NoDestination] = ErrorCategory.InvalidOperation,
            [ErrorIds.NotBound] = ErrorCategory.InvalidOperation,
            [ErrorIds.DatagramTooLarge] = ErrorCategory.LimitsExceeded,
            [ErrorIds.DatagramTruncated] = ErrorCategory.ReadError,
            [ErrorIds.BroadcastNotEnabled] = ErrorCategory.PermissionDenied,
            [ErrorIds.InvalidMulticastGroup] = ErrorCategory.InvalidArgument,
            [ErrorIds.UnixSocketsNotSupported] = ErrorCategory.NotImplemented,
            [ErrorIds.SocketPathTooLong] = ErrorCategory.InvalidArgument,
            [ErrorIds.SocketPathNotFound] = ErrorCategory.ObjectNotFound,
            [ErrorIds.NotASocket] = ErrorCategory.InvalidArgument,
            [ErrorIds.SocketTypeMismatch] = ErrorCategory.ProtocolError,
            [ErrorIds.AccessDenied] = ErrorCategory.PermissionDenied,
        };
    }
}
