namespace PSSocket.Errors
{
    /// <summary>The stable error ids of the module. Scripts and tests match on these, never on message text.</summary>
    public static partial class ErrorIds
    {
        public const string NameNotResolved = "NameNotResolved";
        public const string NoAddressForFamily = "NoAddressForFamily";
        public const string ConnectionRefused = "ConnectionRefused";
        public const string ConnectTimedOut = "ConnectTimedOut";
        public const string HostUnreachable = "HostUnreachable";
        public const string NetworkUnreachable = "NetworkUnreachable";
        public const string AddressInUse = "AddressInUse";
        public const string AddressNotAvailable = "AddressNotAvailable";
        public const string AddressFamilyMismatch = "AddressFamilyMismatch";
        public const string AlreadyConnected = "AlreadyConnected";
        public const string NotConnected = "NotConnected";
        public const string NotListening = "NotListening";
        public const string SessionClosed = "SessionClosed";
        public const string SessionNotFound = "SessionNotFound";
        public const string ReceiveOnListener = "ReceiveOnListener";
        public const string SendOnListener = "SendOnListener";
        public const string SendShutdown = "SendShutdown";
        public const string ReceiveTimedOut = "ReceiveTimedOut";
        public const string SendTimedOut = "SendTimedOut";
        public const string AcceptTimedOut = "AcceptTimedOut";
        public const string ConnectionReset = "ConnectionReset";
        public const string ConnectionAborted = "ConnectionAborted";
        public const string EndOfStream = "EndOfStream";
        public const string SendIncomplete = "SendIncomplete";
        public const string UnknownEncoding = "UnknownEncoding";
        public const string UnsupportedData = "UnsupportedData";
        public const string EmptyDelimiter = "EmptyDelimiter";
        public const string SocketError = "SocketError";
        public const string ConflictingParameters = "ConflictingParameters";
        public const string CountTooLarge = "CountTooLarge";
        public const string RecordTooLong = "RecordTooLong";
        public const string ReceiveBufferLimit = "ReceiveBufferLimit";
        public const string PathNotFound = "PathNotFound";
        public const string FileReadError = "FileReadError";
        public const string OutFileDirectoryNotFound = "OutFileDirectoryNotFound";
        public const string FileWriteError = "FileWriteError";

        // TLS (Connect-Socket -UseTls, Start-SocketTls, Start-SocketListener -Certificate, Test-SocketPort -UseTls)
        public const string TlsUntrustedCertificate = "TlsUntrustedCertificate";
        public const string TlsNameMismatch = "TlsNameMismatch";
        public const string TlsCertificateExpired = "TlsCertificateExpired";
        public const string TlsClientCertificateRequired = "TlsClientCertificateRequired";
        public const string TlsHandshakeFailed = "TlsHandshakeFailed";
        public const string TlsUnknownCertificateAuthority = "TlsUnknownCertificateAuthority";
        public const string TlsNotSpokenByPeer = "TlsNotSpokenByPeer";
        public const string TlsHandshakeTimedOut = "TlsHandshakeTimedOut";
        public const string TlsError = "TlsError";
        public const string TlsAlreadyActive = "TlsAlreadyActive";
        public const string TlsUnreadPlaintext = "TlsUnreadPlaintext";
        public const string TlsNotRequested = "TlsNotRequested";
        public const string CertificateLoadFailed = "CertificateLoadFailed";
        public const string CertificateHasNoPrivateKey = "CertificateHasNoPrivateKey";

        // Test-SocketPort: a reply that did not match -Expect (a result's ErrorId), and an -Expect that is no regular expression
        public const string UnexpectedResponse = "UnexpectedResponse";
        public const string InvalidPattern = "InvalidPattern";

        // Background servers (Start-SocketListener -Echo, -Greeting, -Broadcast, -ScriptBlock): reported in the job's Error stream
        public const string HandlerFailed = "HandlerFailed";
        public const string HandlerTimedOut = "HandlerTimedOut";
        public const string ServerFailed = "ServerFailed";
        public const string InvalidClientAddress = "InvalidClientAddress";
        public const string ListenerInUse = "ListenerInUse";

        /// <summary>Wait-SocketConnection -Active, -Accepted or -Served on a listener that runs no background server.</summary>
        public const string NoServer = "NoServer";

        /// <summary>The background server stopped (or its listener closed) before the counts waited for were reached.</summary>
        public const string ServerStopped = "ServerStopped";

        /// <summary>The server's counts did not reach what Wait-SocketConnection waited for within its timeout.</summary>
        public const string ServerWaitTimedOut = "ServerWaitTimedOut";

        // Test-SocketPort: matching -Expect against a reply took longer than -Timeout (a result's ErrorId)
        public const string ExpectMatchTimedOut = "ExpectMatchTimedOut";

        // Proxy client (a proxy URI on Connect-Socket and Test-SocketPort: SOCKS5 and HTTP CONNECT)
        /// <summary>A proxy URI that cannot be used: no scheme, an unsupported scheme, no host, a path, or an unusable credential.</summary>
        public const string ProxyUriInvalid = "ProxyUriInvalid";

        /// <summary>The proxy would not carry the connection: its rules, its own failure, an unsupported request, an HTTP 4xx/5xx answer.</summary>
        public const string ProxyRefused = "ProxyRefused";

        /// <summary>The proxy requires authentication and none was given, or it rejected the user name and password.</summary>
        public const string ProxyAuthenticationFailed = "ProxyAuthenticationFailed";

        /// <summary>The proxy could not reach the target: SOCKS5 reply codes 3 to 6, HTTP 502 or 504.</summary>
        public const string ProxyTargetUnreachable = "ProxyTargetUnreachable";

        /// <summary>The proxy's answer is not the protocol asked for (a wrong version, a garbled or cut-short reply).</summary>
        public const string ProxyProtocolError = "ProxyProtocolError";
    }
}
