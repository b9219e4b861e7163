using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Tls;
using PSSocket.Tls.StartTls;
using PSSocket.Servers;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// One socket and everything a script needs to know about it: a client, an accepted connection or a
    /// listener. Bytes received but not yet consumed stay here between calls.
    /// </summary>
    public sealed partial class SocketSession : IDisposable
    {
        /// <summary>How long closing waits to send TLS's close_notify alert.</summary>
        private const int CloseNotifyTimeout = 1000;

        private readonly object _stateGate = new object();
        private readonly object _acceptGate = new object();
        private readonly SessionCounters _counters = new SessionCounters();
        private readonly SocketSettings _settings;
        private readonly SessionRegistry? _registry;
        private Socket? _socket;
        private bool _socketUsedForConnect;
        private IPEndPoint? _requestedLocalEndPoint;
        private SessionReceiver? _receiver;
        private ISessionSender? _sender;
        private TrackedReceiveSource? _plainSource;
        private Task<Socket>? _pendingAccept;
        /// <summary>Written under _stateGate; read without it, so State is a snapshot that never waits (ShutdownSend holds the gate while TLS says goodbye).</summary>
        private volatile SocketState _state;

        private SocketSession(SocketRole role, SocketSettings settings, SessionRegistry? registry)
        {
            Role = role;
            _settings = settings;
            _registry = registry;
            CreatedAt = DateTime.Now;
            registry?.Add(this);
        }

        public int Id { get; internal set; }

        public SocketProtocol Protocol => _settings.Protocol;

        public SocketRole Role { get; }

        public SocketState State => _state;

        public EndPoint? LocalEndPoint { get; private set; }

        public EndPoint? RemoteEndPoint { get; private set; }

        /// <summary>The host name given to Connect-Socket, when the session connected out.</summary>
        public string? RemoteHost { get; private set; }

        public long BytesSent => _counters.BytesSent;

        public long BytesReceived => _counters.BytesReceived;

        /// <summary>Bytes received from the socket that no receive call has consumed yet.</summary>
        public int BytesBuffered => _datagrams?.BytesBuffered ?? _receiver?.Buffered ?? 0;

        /// <summary>True once the peer has closed its send side (end of stream reached).</summary>
        public bool RemoteClosed => _state == SocketState.Reset || (_receiver?.EndOfStream ?? false);

        public DateTime CreatedAt { get; }

        public DateTime? ConnectedAt { get; private set; }

        public DateTime? LastActivity => _counters.LastActivity;

        public DateTime? ClosedAt { get; private set; }

        public Encoding Encoding
        {
            get => _settings.Encoding;
            set => _settings.Encoding = value ?? throw new ArgumentNullException(nameof(value));
        }

        /// <summary>Milliseconds; -1 waits forever.</summary>
        public int ConnectTimeout
        {
            get => _settings.ConnectTimeout;
            set => _settings.ConnectTimeout = SocketSettings.Normalize(value);
        }

        /// <summary>Milliseconds; -1 waits forever. Receive and accept calls use it when not given a timeout.</summary>
        public int ReceiveTimeout
        {
            get => _settings.ReceiveTimeout;
            set => _settings.ReceiveTimeout = SocketSettings.Normalize(value);
        }

        /// <summary>Milliseconds; -1 waits forever.</summary>
        public int SendTimeout
        {
            get => _settings.SendTimeout;
            set => _settings.SendTimeout = SocketSettings.Normalize(value);
        }

        /// <summary>Bytes: the longest line or delimited record Receive-SocketData returns (RecordTooLong beyond it). Default 1 MiB.</summary>
        public int MaxRecordLength
        {
            get => _settings.MaxRecordLength;
            set => _settings.MaxRecordLength = PositiveLength(value);
        }

        /// <summary>Bytes: the most Receive-SocketData -ToEnd holds in memory (ReceiveBufferLimit beyond it; -OutFile has no limit). Default 64 MiB.</summary>
        public int MaxToEndLength
        {
            get => _settings.MaxToEndLength;
            set => _settings.MaxToEndLength = PositiveLength(value);
        }

        public IPFamily AddressFamily => _settings.Family;

        public bool NoDelay => _settings.NoDelay;

        /// <summary>Null for plaintext; for TLS, the negotiated protocol and cipher and the peer certificate's facts.</summary>
        public TlsInfo? Tls { get; private set; }

        /// <summary>A listener's TLS settings: every connection it accepts does a server handshake before it is returned.</summary>
        internal TlsServerOptions? ServerTls { get; set; }

        /// <summary>The underlying socket, for power users; null until the session has one.</summary>
        public Socket? Socket => _socket;

        internal SocketSettings Settings => _settings;

        /// <summary>The counters of the background server a listener runs (Start-SocketListener -Echo and the other modes); null otherwise.</summary>
        public ServerStatistics? Server { get; internal set; }

        /// <summary>Raised once, on the closing thread, after the session has closed; background servers track their connections with it.</summary>
        internal event Action<SocketSession>? AfterClose;

        public static SocketSession CreateClient(SocketSettings settings, SessionRegistry? registry, IPEndPoint? localEndPoint) =>
            CreateClient(settings, registry, localEndPoint == null ? null : new Action<SocketSession>(s => s.Bind(localEndPoint)));

        /// <summary>A new client session, bound by <paramref name="bind"/> when given; a session whose bind fails is closed, not left registered.</summary>
        private static SocketSession CreateClient(SocketSettings settings, SessionRegistry? registry, Action<SocketSession>? bind)
        {
            var session = new SocketSession(SocketRole.Client, settings, registry);
            session._state = SocketState.Created;
            try
            {
                bind?.Invoke(session);
            }
            catch
            {
                session.Close();
                throw;
            }

            return session;
        }

        public static SocketSession CreateListener(SocketSettings settings, SessionRegistry? registry, IPEndPoint localEndPoint, int backlog)
        {
            var session = new SocketSession(SocketRole.Listener, settings, registry);
            try
            {
                session.Bind(localEndPoint);
                session.Listen(backlog, EndPoints.Format(localEndPoint));
                return session;
            }
            catch
            {
                session.Close();
                throw;
            }
        }

        /// <summary>listen() after a bind; its failures get the module's ids like the bind's.</summary>
        private void Listen(int backlog, string described)
        {
            try
            {
                _socket!.Listen(backlog);
            }
            catch (SocketException e)
            {
                throw SocketErrorTranslator.ForBind(e, described, this);
            }

            _state = SocketState.Listening;
        }

        private static SocketSession FromAccepted(Socket socket, SocketSettings settings, SessionRegistry? registry)
        {
            SocketSession? session = null;
            try
            {
                settings.ApplyTo(socket);
                session = new SocketSession(SocketRole.Accepted, settings, registry);
                session.Attach(socket, null);
                return session;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                // A connection reset before its options were set: neither the socket nor a half-made session is kept.
                socket.Dispose();
                session?.Close();
                throw;
            }
        }

        /// <summary>Connects to the first of <paramref name="host"/>'s addresses that accepts, within one deadline.</summary>
        public void Connect(string host, int port, int timeout, CancellationToken cancellationToken) =>
            Connect(host, port, timeout, null, cancellationToken);

        /// <summary>Connects, then with <paramref name="tls"/> does the TLS handshake within the same timeout; a failed handshake closes the connection.</summary>
        public void Connect(string host, int port, int timeout, TlsClientOptions? tls, CancellationToken cancellationToken) =>
            Connect(host, port, timeout, tls, cancellationToken, null);

        /// <param name="trace">When given, records the addresses resolved and each one tried (for -Verbose).</param>
        internal void Connect(string host, int port, int timeout, TlsClientOptions? tls, CancellationToken cancellationToken, ConnectTrace? trace)
        {
            EnsureConnectable();
            EnsureIPProtocol();
            Deadline deadline = Deadline.After(timeout);
            IPAddress[] addresses = HostResolver.Resolve(host, deadline, cancellationToken);
            if (trace != null)
            {
                trace.Resolved = addresses;
            }

            Socket socket = Connector.Connect(addresses, port, host, MakeSocketFor, AllowsFamily, deadline, cancellationToken, this, DiscardAttempt, trace);
            TlsHandshakeResult? secured = null;
            if (tls != null)
            {
                try
                {
                    if (tls.StartTls != StartTlsProtocol.Off)
                    {
                        StartTlsDialogue.For(tls.StartTls).Run(new NetworkStream(socket, ownsSocket: false), $"{host}:{port}", deadline, cancellationToken);
                    }

                    secured = SessionTls.Handshake(socket, null, tls, host, deadline, cancellationToken, this);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    secured?.Stream.Dispose();
                    socket.Dispose();
                    throw Closed();
                }

                if (!ReferenceEquals(socket, _socket))
                {
                    _socket?.Dispose();
                }

                Attach(socket, host);
                if (secured != null)
                {
                    UseTls(secured);
                }
            }
        }

        /// <summary>Waits for the next connection; a wait that times out or is cancelled keeps the pending accept.</summary>
        public SocketSession Accept(int timeout, CancellationToken cancellationToken) => Accept(timeout, cancellationToken, true);

        /// <param name="secure">
        /// On a TLS listener, true does the connection's server handshake before returning it (within the accepted
        /// session's ConnectTimeout, side by side with other clients' handshakes). False returns it still plaintext, for an accept loop that does not want to wait
        /// on a slow client's handshake: the caller then calls StartTls(ServerTls, ...) on the connection itself.
        /// </param>
        internal SocketSession Accept(int timeout, CancellationToken cancellationToken, bool secure)
        {
            EnsureStream("accept connections on");
            lock (_acceptGate)
            {
                Socket listener = EnsureListening();
                Deadline deadline = Deadline.After(timeout);
                try
                {
                    if (secure && ServerTls != null)
                    {
                        return AcceptTls(listener, timeout, deadline, cancellationToken);
                    }

                    Task<Socket> accepted = _pendingAccept ??= listener.AcceptAsync();
                    if (!TaskWaiter.Wait(accepted, deadline, cancellationToken))
                    {
                        throw new SocketSessionException(
                            ErrorIds.AcceptTimedOut,
                            $"No connection arrived at {EndPoints.Format(LocalEndPoint)} within {timeout} ms.",
                            this);
                    }

                    if (!ReferenceEquals(Interlocked.CompareExchange(ref _pendingAccept, null, accepted), accepted))
                    {
                        throw Closed(); // Close took the accept, and disposes what it brings
                    }

                    return FromAccepted(accepted.GetAwaiter().GetResult(), _settings.Clone(), _registry);
                }
                catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && State == SocketState.Closed))
                {
                    _pendingAccept = null;
                    throw Closed();
                }
                catch (SocketException e)
                {
                    _pendingAccept = null;
                    throw SocketErrorTranslator.ForTransfer(e, $"accepting on {EndPoints.Format(LocalEndPoint)}", this);
                }
            }
        }

        internal SessionReceiver GetReceiver()
        {
            EnsureStream("receive a stream from");
            lock (_stateGate)
            {
                switch (_state)
                {
                    case SocketState.Connected:
                    case SocketState.SendShutdown:
                    case SocketState.Reset:
                        return _receiver!;
                    case SocketState.Listening:
                        throw new SocketSessionException(
                            ErrorIds.ReceiveOnListener,
                            $"Session {Id} is a listener; it accepts connections (Wait-SocketConnection) but has no data to receive.",
                            this);
                    default:
                        throw NotReady("receive");
                }
            }
        }

        /// <summary>
        /// Turns a connected plaintext session into a TLS one in place (STARTTLS), as client or server by the kind of
        /// <paramref name="options"/>. Bytes received before the upgrade are plaintext: while any are unread the
        /// upgrade is refused (TlsUnreadPlaintext) and the session stays as it was, unless
        /// <paramref name="discardUnread"/> drops them. A failed or stopped handshake closes the session.
        /// </summary>
        /// <param name="afterPlaintext">
        /// A STARTTLS upgrade after a plaintext exchange: bytes already in the kernel count as unread plaintext too,
        /// unless they begin a TLS record (a client's ClientHello that came right after the go-ahead).
        /// </param>
        public void StartTls(TlsOptions options, int timeout, bool discardUnread, CancellationToken cancellationToken, bool afterPlaintext = false)
        {
            EnsureStream("start TLS on");
            Socket socket;
            SessionReceiver receiver;
            TrackedReceiveSource? plain;
            lock (_stateGate)
            {
                if (_state != SocketState.Connected)
                {
                    throw _state == SocketState.SendShutdown
                        ? new SocketSessionException(ErrorIds.SendShutdown, $"The send side of session {Id} is shut down; a TLS handshake needs to send.", this)
                        : NotReady("start TLS on");
                }

                if (Tls != null)
                {
                    throw new SocketSessionException(ErrorIds.TlsAlreadyActive, $"Session {Id} already speaks TLS ({Tls.Protocol}).", this);
                }

                socket = _socket!;
                receiver = _receiver!;
                plain = _plainSource;
            }

            // Plaintext not yet read may sit in three places: the session's buffer, a read that completed but was not
            // taken yet, and the kernel (arrived, never asked for). The guard against STARTTLS injection sees all three.
            int inKernel = afterPlaintext ? PlaintextInKernel(socket) : 0;
            int unread = receiver.Buffered + inKernel;
            PendingRead? waiting = null;
            if (plain != null && (unread == 0 || discardUnread))
            {
                waiting = plain.TakeWaitingRead(out int untaken);
                unread += untaken;
            }

            if (discardUnread && inKernel > 0)
            {
                waiting = DropPlaintext(socket, waiting);
            }

            if (unread > 0 && !discardUnread)
            {
                throw new SocketSessionException(
                    ErrorIds.TlsUnreadPlaintext,
                    $"{unread} bytes received on session {Id} before the upgrade have not been read. They were sent in plaintext, before TLS: read them first (Receive-SocketData), or drop them with -DiscardUnreadData. The session is unchanged.",
                    this);
            }

            TlsHandshakeResult secured;
            try
            {
                secured = SessionTls.Handshake(socket, waiting, options, RemoteHost, Deadline.After(timeout), cancellationToken, this);
            }
            catch
            {
                Close();
                throw;
            }

            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    secured.Stream.Dispose();
                    throw Closed();
                }

                UseTls(secured);
            }
        }

        private static int InKernel(Socket socket)
        {
            try
            {
                return socket.Available;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                return 0;
            }
        }

        /// <summary>Bytes in the kernel that do not begin a TLS handshake record (0x16 0x03): plaintext sent before TLS.</summary>
        private static int PlaintextInKernel(Socket socket)
        {
            int available = InKernel(socket);
            if (available == 0)
            {
                return 0;
            }

            var head = new byte[2];
            try
            {
                int peeked = socket.Receive(head, Math.Min(available, 2), SocketFlags.Peek);
                bool tlsRecord = head[0] == 0x16 && (peeked < 2 || head[1] == 0x03);
                return tlsRecord ? 0 : available;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                return 0;
            }
        }

        /// <summary>
        /// -DiscardUnreadData: drops the plaintext bytes waiting in the kernel. A read still pending would take them
        /// first, so it is let finish (the bytes are there) and its bytes are dropped too; the handshake starts clean.
        /// </summary>
        private static PendingRead? DropPlaintext(Socket socket, PendingRead? waiting)
        {
            if (waiting != null)
            {
                if (!waiting.Read.Wait(CloseNotifyTimeout))
                {
                    return waiting;
                }

                waiting = null;
            }

            var scratch = new byte[16 * 1024];
            for (int rounds = 0; rounds < 4096; rounds++)
            {
                int pending = InKernel(socket);
                if (pending == 0)
                {
                    break;
                }

                socket.Receive(scratch, Math.Min(pending, scratch.Length), SocketFlags.None);
            }

            return waiting;
        }

        public void Send(byte[] data, int offset, int count, CancellationToken cancellationToken)
        {
            EnsureStream("send a stream on");
            ISessionSender sender;
            lock (_stateGate)
            {
                switch (_state)
                {
                    case SocketState.Connected:
                        sender = _sender!;
                        break;
                    case SocketState.SendShutdown:
                        throw new SocketSessionException(
                            ErrorIds.SendShutdown, $"The send side of session {Id} is shut down; it can only receive.", this);
                    case SocketState.Listening:
                        throw new SocketSessionException(
                            ErrorIds.SendOnListener, $"Session {Id} is a listener; send on the sessions it accepts.", this);
                    default:
                        throw NotReady("send");
                }
            }

            sender.Send(data, offset, count, SendTimeout, cancellationToken);
        }

        /// <summary>Shuts down the send side only, so a peer reading to end of stream can answer.</summary>
        public void ShutdownSend()
        {
            EnsureStream("shut down the send side of");
            lock (_stateGate)
            {
                if (_state == SocketState.SendShutdown)
                {
                    return;
                }

                if (_state != SocketState.Connected)
                {
                    throw NotReady("shut down the send side of");
                }

                _sender?.Finish(CloseNotifyTimeout);
                try
                {
                    _socket!.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException e)
                {
                    throw SocketErrorTranslator.ForTransfer(e, "shutting down the send side", this);
                }

                _state = SocketState.SendShutdown;
            }
        }

        /// <summary>Closes gracefully; calling it again does nothing.</summary>
        public void Close()
        {
            if (State == SocketState.Connected)
            {
                _sender?.Finish(CloseNotifyTimeout);
            }

            Socket? socket;
            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    return;
                }

                bool connected = _state == SocketState.Connected || _state == SocketState.SendShutdown;
                _state = SocketState.Closed;
                ClosedAt = DateTime.Now;
                socket = _socket;
                if (connected)
                {
                    try
                    {
                        socket!.Shutdown(SocketShutdown.Both);
                    }
                    catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                    {
                        // The peer may be gone, or a power user closed the socket; closing is all that is left to do.
                    }
                }
            }

            socket?.Dispose();
            _sender?.Dispose();
            CloseKinds();
            CloseTlsAccepts();
            _receiver?.Abandon();
            DisposeWhenAccepted(Interlocked.Exchange(ref _pendingAccept, null));
            _registry?.Remove(this);
            AfterClose?.Invoke(this);
        }

        public void Dispose() => Close();

        /// <summary>An accept kept after a timeout may still bring a connection that no call will take: close it.</summary>
        private static void DisposeWhenAccepted(Task<Socket>? accept)
        {
            accept?.ContinueWith(
                t =>
                {
                    if (t.Status == TaskStatus.RanToCompletion)
                    {
                        t.Result.Dispose();
                    }
                    else
                    {
                        _ = t.Exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        public override string ToString()
        {
            string remote = RemoteEndPoint == null ? string.Empty : " -> " + EndPoints.Format(RemoteEndPoint);
            return $"{Protocol} {EndPoints.Format(LocalEndPoint)}{remote} ({State})";
        }

        private void Bind(IPEndPoint localEndPoint)
        {
            if (!AllowsFamily(localEndPoint.AddressFamily))
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    $"The local address {localEndPoint.Address} is not of the session's address family ({_settings.Family}).",
                    this);
            }

            _requestedLocalEndPoint = localEndPoint;
            _socket = NewSocket(localEndPoint.AddressFamily);
            _settings.Family = IPFamilyExtensions.FromAddressFamily(localEndPoint.AddressFamily);
            try
            {
                _socket.Bind(localEndPoint);
            }
            catch (SocketException e)
            {
                _socket.Dispose();
                _socket = null;
                throw SocketErrorTranslator.ForBind(e, EndPoints.Format(localEndPoint), this);
            }

            LocalEndPoint = _socket.LocalEndPoint;
            _state = SocketState.Bound;
            StartDatagrams(_socket);
        }

        private Socket MakeSocketFor(AddressFamily family)
        {
            if (_socket != null && !_socketUsedForConnect && _socket.AddressFamily == family)
            {
                // Options given to Connect-Socket after New-Socket bound the socket apply to it too.
                _settings.ApplyTo(_socket);
                _socketUsedForConnect = true;
                return _socket;
            }

            Socket socket = NewSocket(family);
            if (_requestedLocalEndPoint != null)
            {
                try
                {
                    socket.Bind(_requestedLocalEndPoint);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw SocketErrorTranslator.ForBind(e, EndPoints.Format(_requestedLocalEndPoint), this);
                }
            }

            return socket;
        }

        /// <summary>
        /// A socket whose connect failed. A bound datagram session's own socket stays: its background receiver reads from
        /// it, and a failed UDP connect leaves it usable. Any other is closed (a failed TCP connect leaves it unusable on Unix).
        /// </summary>
        private void DiscardAttempt(Socket socket)
        {
            lock (_stateGate)
            {
                if (ReferenceEquals(socket, _socket) && IsDatagram && _state != SocketState.Closed)
                {
                    _socketUsedForConnect = false;
                    return;
                }
            }

            socket.Dispose();
        }

        private Socket NewSocket(AddressFamily family)
        {
            var socket = new Socket(family, Protocol.SocketType(), Protocol.ProtocolType());
            _settings.ApplyTo(socket);
            return socket;
        }

        private bool AllowsFamily(AddressFamily family) => _settings.Family.Allows(family);

        private void Attach(Socket socket, string? host)
        {
            _socket = socket;
            LocalEndPoint = EndPoints.Normalize(socket.LocalEndPoint);
            RemoteEndPoint = EndPoints.PeerOf(socket);
            RemoteHost = host;
            ConnectedAt = DateTime.Now;
            _plainSource = new TrackedReceiveSource(new SocketReceiveSource(socket), _counters);
            _receiver = new SessionReceiver(_plainSource, _counters, this, MarkReset);
            _sender = new SocketSender(socket, _counters, this, MarkReset);
            _counters.Touch();
            _state = SocketState.Connected;
            StartDatagrams(socket);
        }

        /// <summary>From here on the session sends and receives through the TLS stream; every receive mode works the same.</summary>
        private void UseTls(TlsHandshakeResult secured)
        {
            string peer = EndPoints.Format(RemoteEndPoint);
            _receiver = new SessionReceiver(new StreamReceiveSource(secured.Stream, peer, this), _counters, this, MarkReset, CloseAfterTlsFailure);
            _sender = new StreamSender(secured.Stream, _counters, this, peer, CloseAfterTlsFailure);
            _plainSource = null;
            Tls = secured.Info;
        }

        /// <summary>A TLS stream that failed (a fatal alert, a bad record) can carry nothing more: the session closes, and State shows it.</summary>
        private void CloseAfterTlsFailure() => Close();

        /// <summary>The peer reset the connection: from now on every call says so, and State shows it.</summary>
        private void MarkReset()
        {
            lock (_stateGate)
            {
                if (_state == SocketState.Connected || _state == SocketState.SendShutdown)
                {
                    _state = SocketState.Reset;
                }
            }
        }

        private void EnsureConnectable()
        {
            lock (_stateGate)
            {
                if (Role == SocketRole.Client && (_state == SocketState.Created || _state == SocketState.Bound))
                {
                    return;
                }

                if (_state == SocketState.Closed)
                {
                    throw Closed();
                }

                throw new SocketSessionException(
                    ErrorIds.AlreadyConnected,
                    $"Session {Id} is {_state} ({Role}); only a new client session can connect. Use New-Socket or Connect-Socket without a session.",
                    this);
            }
        }

        private Socket EnsureListening()
        {
            lock (_stateGate)
            {
                if (_state == SocketState.Listening)
                {
                    return _socket!;
                }

                if (_state == SocketState.Closed)
                {
                    throw Closed();
                }

                throw new SocketSessionException(
                    ErrorIds.NotListening, $"Session {Id} is a {Role} session, not a listener; it cannot accept connections.", this);
            }
        }

        private SocketSessionException NotReady(string action)
        {
            return _state == SocketState.Closed
                ? Closed()
                : _state == SocketState.Reset
                ? new SocketSessionException(
                    ErrorIds.ConnectionReset,
                    $"Cannot {action} session {Id}: {EndPoints.Format(RemoteEndPoint)} reset the connection. Bytes received before the reset stay readable.",
                    this)
                : new SocketSessionException(
                    ErrorIds.NotConnected, $"Cannot {action} session {Id}: it is {_state}, not connected. Connect it first with Connect-Socket.", this);
        }

        private static int PositiveLength(int value) =>
            value > 0 ? Math.Min(value, ReceiveBuffer.MaxCapacity) : throw new ArgumentOutOfRangeException(nameof(value), value, "A length limit is at least 1 byte.");

        private SocketSessionException Closed() =>
            new SocketSessionException(
                ErrorIds.SessionClosed,
                LocalEndPoint == null ? $"Session {Id} is closed." : $"Session {Id} ({EndPoints.Format(LocalEndPoint)}) is closed.",
                this);
    }
}
