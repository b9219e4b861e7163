using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.Errors;

namespace PSSocket.ErrorRecords
{
    /// <summary>Turns the engine's errors into ErrorRecords: the stable id, a fitting category, the target.</summary>
    internal static class ErrorRecordFactory
    {
        private static readonly Dictionary<string, ErrorCategory> Categories = new Dictionary<string, ErrorCategory>
        {
            [ErrorIds.NameNotResolved] = ErrorCategory.ObjectNotFound,
            [ErrorIds.NoAddressForFamily] = ErrorCategory.InvalidArgument,
            [ErrorIds.ConnectionRefused] = ErrorCategory.ConnectionError,
            [ErrorIds.ConnectTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.HostUnreachable] = ErrorCategory.ConnectionError,
            [ErrorIds.NetworkUnreachable] = ErrorCategory.ConnectionError,
            [ErrorIds.RelayTargetUnreachable] = ErrorCategory.ConnectionError,
            [ErrorIds.AddressInUse] = ErrorCategory.ResourceBusy,
            [ErrorIds.AddressNotAvailable] = ErrorCategory.InvalidArgument,
            [ErrorIds.AddressFamilyMismatch] = ErrorCategory.InvalidArgument,
            [ErrorIds.AlreadyConnected] = ErrorCategory.InvalidOperation,
            [ErrorIds.NotConnected] = ErrorCategory.InvalidOperation,
            [ErrorIds.ConnectInProgress] = ErrorCategory.InvalidOperation,
            [ErrorIds.NotListening] = ErrorCategory.InvalidOperation,
            [ErrorIds.SessionClosed] = ErrorCategory.InvalidOperation,
            [ErrorIds.SessionNotFound] = ErrorCategory.ObjectNotFound,
            [ErrorIds.ReceiveOnListener] = ErrorCategory.InvalidOperation,
            [ErrorIds.SendOnListener] = ErrorCategory.InvalidOperation,
            [ErrorIds.SendShutdown] = ErrorCategory.InvalidOperation,
            [ErrorIds.ReceiveTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.SendTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.AcceptTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.ConnectionReset] = ErrorCategory.ConnectionError,
            [ErrorIds.ConnectionAborted] = ErrorCategory.ConnectionError,
            [ErrorIds.EndOfStream] = ErrorCategory.ReadError,
            [ErrorIds.SendIncomplete] = ErrorCategory.WriteError,
            [ErrorIds.UnknownEncoding] = ErrorCategory.InvalidArgument,
            [ErrorIds.UnsupportedData] = ErrorCategory.InvalidType,
            [ErrorIds.SocketError] = ErrorCategory.ConnectionError,
            [ErrorIds.ConflictingParameters] = ErrorCategory.InvalidArgument,
            [ErrorIds.CountTooLarge] = ErrorCategory.InvalidArgument,
            [ErrorIds.RecordTooLong] = ErrorCategory.LimitsExceeded,
            [ErrorIds.ReceiveBufferLimit] = ErrorCategory.LimitsExceeded,
            [ErrorIds.PathNotFound] = ErrorCategory.ObjectNotFound,
            [ErrorIds.FileReadError] = ErrorCategory.ReadError,
            [ErrorIds.OutFileDirectoryNotFound] = ErrorCategory.ObjectNotFound,
            [ErrorIds.FileWriteError] = ErrorCategory.WriteError,
            [ErrorIds.TlsUntrustedCertificate] = ErrorCategory.SecurityError,
            [ErrorIds.TlsNameMismatch] = ErrorCategory.SecurityError,
            [ErrorIds.TlsCertificateExpired] = ErrorCategory.SecurityError,
            [ErrorIds.TlsClientCertificateRequired] = ErrorCategory.AuthenticationError,
            [ErrorIds.TlsHandshakeFailed] = ErrorCategory.ProtocolError,
            [ErrorIds.TlsUnknownCertificateAuthority] = ErrorCategory.SecurityError,
            [ErrorIds.TlsNotSpokenByPeer] = ErrorCategory.ProtocolError,
            [ErrorIds.TlsHandshakeTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.TlsError] = ErrorCategory.ProtocolError,
            [ErrorIds.TlsAlreadyActive] = ErrorCategory.InvalidOperation,
            [ErrorIds.TlsUnreadPlaintext] = ErrorCategory.InvalidOperation,
            [ErrorIds.TlsNotRequested] = ErrorCategory.InvalidArgument,
            [ErrorIds.CertificateLoadFailed] = ErrorCategory.InvalidData,
            [ErrorIds.CertificateHasNoPrivateKey] = ErrorCategory.InvalidArgument,
            [ErrorIds.UnexpectedResponse] = ErrorCategory.InvalidResult,
            [ErrorIds.InvalidPattern] = ErrorCategory.InvalidArgument,
            [ErrorIds.HandlerFailed] = ErrorCategory.OperationStopped,
            [ErrorIds.HandlerTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.ServerFailed] = ErrorCategory.InvalidOperation,
            [ErrorIds.InvalidClientAddress] = ErrorCategory.InvalidArgument,
            [ErrorIds.ListenerInUse] = ErrorCategory.ResourceBusy,
            [ErrorIds.NoServer] = ErrorCategory.InvalidOperation,
            [ErrorIds.ServerStopped] = ErrorCategory.OperationStopped,
            [ErrorIds.ServerWaitTimedOut] = ErrorCategory.OperationTimeout,
            [ErrorIds.InvalidFaultValue] = ErrorCategory.InvalidArgument,
            [ErrorIds.NoRelayFaults] = ErrorCategory.InvalidArgument,
            [ErrorIds.TraceFileFailed] = ErrorCategory.WriteError,
        };

        public static ErrorRecord From(SocketSessionException error)
        {
            ErrorCategory category = Categories.TryGetValue(error.ErrorId, out ErrorCategory known) || KindCategories.TryGetValue(error.ErrorId, out known)
                || CertificateCategories.TryGetValue(error.ErrorId, out known)
                ? known
                : ErrorCategory.NotSpecified;
            return new ErrorRecord(error, error.ErrorId, category, error.Target);
        }

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
            [ErrorIds.RawSocketNotPermitted] = ErrorCategory.PermissionDenied,
        };
    

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
            [ErrorIds.ProxyUriInvalid] = ErrorCategory.InvalidArgument,
            [ErrorIds.ProxyRefused] = ErrorCategory.ConnectionError,
            [ErrorIds.ProxyAuthenticationFailed] = ErrorCategory.AuthenticationError,
            [ErrorIds.ProxyTargetUnreachable] = ErrorCategory.ConnectionError,
            [ErrorIds.ProxyProtocolError] = ErrorCategory.ProtocolError,
        };
    
    }
}
