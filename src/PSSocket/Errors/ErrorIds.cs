namespace PSSocket.Errors
{
    /// <summary>The stable error ids of the module. Scripts and tests match on these, never on message text.</summary>
    public static partial class ErrorIds
    {
        // Names and addresses
        public const string NameNotResolved = "NameNotResolved";
        public const string NoAddressForFamily = "NoAddressForFamily";
        public const string AddressInUse = "AddressInUse";
        public const string AddressNotAvailable = "AddressNotAvailable";
        public const string AddressFamilyMismatch = "AddressFamilyMismatch";
        public const string AccessDenied = "AccessDenied";

        // Connecting and accepting
        public const string ConnectionRefused = "ConnectionRefused";
        public const string ConnectTimedOut = "ConnectTimedOut";
        public const string HostUnreachable = "HostUnreachable";
        public const string NetworkUnreachable = "NetworkUnreachable";
        public const string AcceptTimedOut = "AcceptTimedOut";

        // The session's state
        public const string AlreadyConnected = "AlreadyConnected";
        public const string NotConnected = "NotConnected";
        public const string NotListening = "NotListening";
        public const string SessionClosed = "SessionClosed";
        public const string SessionNotFound = "SessionNotFound";
        public const string ReceiveOnListener = "ReceiveOnListener";
        public const string SendOnListener = "SendOnListener";
        public const string SendShutdown = "SendShutdown";

        /// <summary>A stream-only operation (-Line, -ToEnd, -Delimiter, -OutFile, -Path, accept, half-close) asked of a datagram session.</summary>
        public const string NotAStreamSession = "NotAStreamSession";

        /// <summary>A destination (-RemoteEndPoint, -ComputerName) given to a stream session, which sends only to its peer.</summary>
        public const string NotADatagramSession = "NotADatagramSession";

        // Sending and receiving
        public const string ReceiveTimedOut = "ReceiveTimedOut";
        public const string SendTimedOut = "SendTimedOut";
        public const string ConnectionReset = "ConnectionReset";
        public const string ConnectionAborted = "ConnectionAborted";
        public const string EndOfStream = "EndOfStream";
        public const string SendIncomplete = "SendIncomplete";
        public const string SocketError = "SocketError";

        // Framing and payloads
        public const string UnknownEncoding = "UnknownEncoding";
        public const string UnsupportedData = "UnsupportedData";
        public const string EmptyDelimiter = "EmptyDelimiter";
        public const string CountTooLarge = "CountTooLarge";
        public const string RecordTooLong = "RecordTooLong";
        public const string ReceiveBufferLimit = "ReceiveBufferLimit";

        // Files sent and received
        public const string PathNotFound = "PathNotFound";
        public const string FileReadError = "FileReadError";
        public const string OutFileDirectoryNotFound = "OutFileDirectoryNotFound";
        public const string FileWriteError = "FileWriteError";

        // Parameters
        public const string ConflictingParameters = "ConflictingParameters";

        // Datagrams (UDP, Unix datagram)

        /// <summary>A send on a datagram session that is not connected, without a destination.</summary>
        public const string NoDestination = "NoDestination";

        /// <summary>A receive on a datagram session that has no local address yet.</summary>
        public const string NotBound = "NotBound";

        public const string DatagramTooLarge = "DatagramTooLarge";
        public const string DatagramTruncated = "DatagramTruncated";
        public const string BroadcastNotEnabled = "BroadcastNotEnabled";
        public const string InvalidMulticastGroup = "InvalidMulticastGroup";

        // Unix domain sockets
        public const string UnixSocketsNotSupported = "UnixSocketsNotSupported";
        public const string SocketPathTooLong = "SocketPathTooLong";
        public const string SocketPathNotFound = "SocketPathNotFound";
        public const string NotASocket = "NotASocket";
        public const string SocketTypeMismatch = "SocketTypeMismatch";

        // TLS (Connect-Socket -UseTls, Start-SocketTls, Start-SocketListener -Certificate, Test-SocketPort -UseTls)
        public const string TlsUntrustedCertificate = "TlsUntrustedCertificate";
        public const string TlsNameMismatch = "TlsNameMismatch";
        public const string TlsCertificateExpired = "TlsCertificateExpired";

        /// <summary>The certificate or one of its chain is revoked (with -RevocationMode Online or Offline).</summary>
        public const string TlsCertificateRevoked = "TlsCertificateRevoked";

        public const string TlsClientCertificateRequired = "TlsClientCertificateRequired";
        public const string TlsHandshakeFailed = "TlsHandshakeFailed";
        public const string TlsUnknownCertificateAuthority = "TlsUnknownCertificateAuthority";
        public const string TlsNotSpokenByPeer = "TlsNotSpokenByPeer";
        public const string TlsHandshakeTimedOut = "TlsHandshakeTimedOut";
        public const string TlsError = "TlsError";
        public const string TlsAlreadyActive = "TlsAlreadyActive";
        public const string TlsUnreadPlaintext = "TlsUnreadPlaintext";
        public const string TlsNotRequested = "TlsNotRequested";

        // STARTTLS dialogues

        /// <summary>The server's greeting or capabilities do not offer STARTTLS.</summary>
        public const string StartTlsNotOffered = "StartTlsNotOffered";

        /// <summary>The server answered the STARTTLS request with a refusal.</summary>
        public const string StartTlsRefused = "StartTlsRefused";

        /// <summary>The server's reply in the STARTTLS dialogue is not the protocol's, or did not come in time.</summary>
        public const string StartTlsFailed = "StartTlsFailed";

        // Certificate files
        public const string CertificateLoadFailed = "CertificateLoadFailed";
        public const string CertificateHasNoPrivateKey = "CertificateHasNoPrivateKey";

        /// <summary>A PEM certificate whose file has no private key, and no -KeyPath naming one.</summary>
        public const string CertificateKeyMissing = "CertificateKeyMissing";

        /// <summary>The private key is not the one of the certificate.</summary>
        public const string CertificateKeyMismatch = "CertificateKeyMismatch";

        /// <summary>
        /// A file that is neither PFX nor PEM, a PEM file without the block needed, a legacy-encrypted PEM key, or
        /// a PEM key on a runtime that cannot import one (Windows PowerShell 5.1).
        /// </summary>
        public const string CertificateFormatUnsupported = "CertificateFormatUnsupported";

        /// <summary>An encrypted PEM key given without -CertificatePassword (-ClientCertificatePassword).</summary>
        public const string CertificatePasswordRequired = "CertificatePasswordRequired";

        // Test-SocketPort results

        /// <summary>A reply that did not match -Expect (a result's ErrorId).</summary>
        public const string UnexpectedResponse = "UnexpectedResponse";

        /// <summary>An -Expect that is no regular expression.</summary>
        public const string InvalidPattern = "InvalidPattern";

        /// <summary>Matching -Expect against a reply took longer than -Timeout (a result's ErrorId).</summary>
        public const string ExpectMatchTimedOut = "ExpectMatchTimedOut";

        /// <summary>The certificate is valid but expires within -MinimumDaysValid days.</summary>
        public const string CertificateExpiring = "CertificateExpiring";

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

        // Raw sockets (New-Socket and Connect-Socket -Protocol Raw)
        /// <summary>The system refused a raw socket: the process lacks root or CAP_NET_RAW (Linux), or administrator rights (Windows).</summary>
        public const string RawSocketNotPermitted = "RawSocketNotPermitted";

        // Many sessions at once (Wait-Socket, Connect-Socket -NoWait)
        /// <summary>Send or receive on a session whose background connect (Connect-Socket -NoWait) has not finished: wait with Wait-Socket -For Connect.</summary>
        public const string ConnectInProgress = "ConnectInProgress";

        // Relay (Start-SocketListener -ForwardTo)
        /// <summary>A relay could not connect (or finish TLS) to its target for a client; the client was closed.</summary>
        public const string RelayTargetUnreachable = "RelayTargetUnreachable";

        // Relay faults and trace (New-SocketFault, Set-SocketFault, Clear-SocketFault, Start-SocketListener -Fault -TraceFile)
        /// <summary>A fault value out of its range: a negative time, size or count, a rate outside 0 to 1.</summary>
        public const string InvalidFaultValue = "InvalidFaultValue";

        /// <summary>Set-SocketFault or Clear-SocketFault on something that is not a relay's faults, listener or job.</summary>
        public const string NoRelayFaults = "NoRelayFaults";

        /// <summary>The trace file could not be created (no such folder, no access).</summary>
        public const string TraceFileFailed = "TraceFileFailed";
    }
}
