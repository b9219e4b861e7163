using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Proxies;
using PSSocket.Tls;
using PSSocket.Transports;

namespace PSSocket.Sessions
{
    /// <summary>
    /// One socket and everything a script needs to know about it: a client, an accepted connection or a
    /// listener. The session keeps identity, state, counters, timeouts and Close; its stream side
    /// (<see cref="Stream"/>) or its datagram side (<see cref="Datagrams"/>) does the I/O.
    /// </summary>
    public sealed partial class SocketSession : IDisposable
    {
        /// <summary>The largest UDP payload over IPv4: 65,535 less the IPv4 and UDP headers.</summary>
        public const int MaxUdpDatagramIPv4 = 65_507;

        /// <summary>The largest UDP payload over IPv6 without jumbograms: 65,535 less the UDP header.</summary>
        public const int MaxUdpDatagramIPv6 = 65_527;

        /// <summary>
        /// Guards the state machine: <see cref="_state"/>, <see cref="_socket"/> and the end points and times set
        /// with them. Only this class takes it; the transports change state through the methods below.
        /// </summary>
        private readonly object _stateGate = new object();
        private readonly SessionCounters _counters = new SessionCounters();
        private readonly SocketSettings _settings;
        private readonly SessionRegistry? _registry;
        private readonly StreamTransport? _stream;
        private readonly DatagramTransport? _datagrams;
        private Socket? _socket;
        private OwnedSocketFile? _ownedFile;

        /// <summary>Written under _stateGate; read without it, so State is a snapshot that never waits (ShutdownSend holds the gate while TLS says goodbye).</summary>
        private volatile SocketState _state;

        internal SocketSession(SocketRole role, SocketSettings settings, SessionRegistry? registry)
        {
            Role = role;
            _settings = settings;
            _registry = registry;
            CreatedAt = DateTime.Now;
            if (settings.Protocol.IsDatagram())
            {
                _datagrams = new DatagramTransport(this);
            }
            else
            {
                _stream = new StreamTransport(this);
            }

            ConnectSockets = new ConnectSockets(this);
            registry?.Add(this);
        }

        public int Id { get; internal set; }

        public SocketProtocol Protocol => _settings.Protocol;

        /// <summary>A Raw session's IP protocol (Icmp, IcmpV6, ...); null for the other kinds.</summary>
        public IPProtocol? IPProtocol => _settings.IPProtocol;

        public SocketRole Role { get; }

        public SocketState State => _state;

        public EndPoint? LocalEndPoint { get; private set; }

        public EndPoint? RemoteEndPoint { get; private set; }

        /// <summary>The host name given to Connect-Socket, when the session connected out.</summary>
        public string? RemoteHost { get; private set; }

        /// <summary>The proxy the session's connection goes through (RemoteEndPoint is then the target, as asked of the proxy); null for a direct connection.</summary>
        public ProxyEndPoint? Proxy { get; private set; }

        public long BytesSent => _counters.BytesSent;

        public long BytesReceived => _counters.BytesReceived;

        /// <summary>Bytes received from the socket that no receive call has consumed yet.</summary>
        public int BytesBuffered => _datagrams?.BytesBuffered ?? _stream?.BytesBuffered ?? 0;

        /// <summary>True once the peer has closed its send side (end of stream reached).</summary>
        public bool RemoteClosed => _state == SocketState.Reset || (_stream?.EndOfStream ?? false);

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

        /// <summary>The counters of the background server a listener runs (Start-SocketListener -Echo and the other modes); null otherwise.</summary>
        public ServerStatistics? Server { get; internal set; }

        /// <summary>Datagrams sent so far (datagram sessions).</summary>
        public long DatagramsSent => _datagrams?.DatagramsSent ?? 0;

        /// <summary>Datagrams received from the socket so far, returned or not (datagram sessions).</summary>
        public long DatagramsReceived => _datagrams?.DatagramsReceived ?? 0;

        /// <summary>Datagrams received and not yet returned by Receive-SocketData.</summary>
        public int DatagramsBuffered => _datagrams?.DatagramsBuffered ?? 0;

        /// <summary>The multicast groups this session joined.</summary>
        public IPAddress[] MulticastGroups => _settings.MulticastGroups.ToArray();

        internal SocketSettings Settings => _settings;

        internal SessionRegistry? Registry => _registry;

        internal SessionCounters Counters => _counters;

        /// <summary>Makes the socket of each connect attempt.</summary>
        internal ConnectSockets ConnectSockets { get; }

        internal bool IsDatagram => _datagrams != null;

        /// <summary>The stream side (TCP, Unix stream): connect, accept, receive, send, shut down, STARTTLS.</summary>
        internal StreamTransport Stream => StreamFor("use the stream side of");

        /// <summary>The datagram side (UDP, Unix datagram): destinations, datagram sends and receives, multicast.</summary>
        internal DatagramTransport Datagrams => DatagramsFor("use the datagram side");

        /// <summary>Raised once, on the closing thread, after the session has closed; background servers track their connections with it.</summary>
        internal event Action<SocketSession>? AfterClose;

        /// <summary>The stream side, or NotAStreamSession naming <paramref name="action"/> for a datagram session.</summary>
        internal StreamTransport StreamFor(string action) =>
            _stream ?? throw new SocketSessionException(
                ErrorIds.NotAStreamSession,
                $"Cannot {action} session {Id}: it is a {Protocol} session, which sends and receives whole datagrams. Receive-SocketData returns one datagram per object; -Line, -Delimiter, -ToEnd, -OutFile, Send-SocketData -Path, Wait-SocketConnection and Close-Socket -SendOnly are for stream sessions.",
                this);

        /// <summary>The datagram side, or NotADatagramSession naming <paramref name="action"/> for a stream session.</summary>
        internal DatagramTransport DatagramsFor(string action) =>
            _datagrams ?? throw new SocketSessionException(
                ErrorIds.NotADatagramSession,
                $"Cannot {action} on session {Id}: it is a {Protocol} session, a stream to one peer. Destinations and datagram receives are for Udp and UnixDatagram sessions.",
                this);

        /// <summary>
        /// Connects an IP session to the first of the request's host's addresses that accepts, within one deadline
        /// (a stream session then does the TLS the request asks for, within the same deadline).
        /// </summary>
        internal void Connect(ConnectRequest request)
        {
            EnsureConnectable();
            if (Protocol.IsUnix())
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch, $"Session {Id} is a {Protocol} session; connect it to a socket path (-Path), not to a host and port.", this);
            }

            if (_datagrams != null && request.Proxy != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ConflictingParameters, $"Session {Id} is a {Protocol} session; a proxy carries TCP connections only.", this);
            }

            if (_datagrams != null)
            {
                _datagrams.Connect(request);
            }
            else
            {
                _stream!.Connect(request);
            }
        }

        /// <summary>The failure of a connect started with <see cref="BeginConnect"/> (the same error id a blocking connect raises); null otherwise.</summary>
        public SocketSessionException? ConnectError { get; private set; }

        /// <summary>The connect <see cref="BeginConnect"/> started: it never faults, and finishes after the session is Connected or Closed.</summary>
        internal Task? PendingConnect { get; private set; }

        /// <summary>
        /// True from <see cref="BeginConnect"/> until a readiness wait reports the connect finished: a wait for Connect
        /// among other events hears of each background connect once, as select() hears of a socket's connect.
        /// </summary>
        internal bool ConnectUnreported { get; set; }

        /// <summary>Cancelled by Close while a background connect goes on.</summary>
        private CancellationTokenSource? _connecting;

        /// <summary>
        /// Connect-Socket -NoWait: starts connecting a TCP session in the background and returns at once with the
        /// session Connecting. The connect ends with the session Connected, or Closed with <see cref="ConnectError"/>.
        /// A datagram session connects at once (a UDP connect only sets the peer).
        /// </summary>
        internal void BeginConnect(string host, int port, int timeout)
        {
            if (_datagrams != null || Protocol.IsUnix())
            {
                Connect(new ConnectRequest(host, port, timeout, CancellationToken.None));
                return;
            }

            var cancel = new CancellationTokenSource();
            lock (_stateGate)
            {
                EnsureConnectable();
                _connecting = cancel;
                RemoteHost = host;
                ConnectUnreported = true;
                _state = SocketState.Connecting;
            }

            PendingConnect = ConnectInBackground(new ConnectRequest(host, port, timeout, cancel.Token));
        }

        private async Task ConnectInBackground(ConnectRequest request)
        {
            try
            {
                await _stream!.ConnectAsync(request).ConfigureAwait(false);
            }
            catch (SocketSessionException e)
            {
                ConnectError = e;
            }
            catch (OperationCanceledException)
            {
                ConnectError = Closed();
            }
            catch (Exception e)
            {
                // Nothing may escape a background task; the session says what went wrong instead.
                ConnectError = new SocketSessionException(ErrorIds.ConnectionAborted, $"Connecting session {Id} to {request.Host} port {request.Port} failed: {e.Message}", this, e);
            }

            Interlocked.Exchange(ref _connecting, null);
            if (ConnectError != null)
            {
                OnError(ConnectError);
                Close();
            }
        }

        /// <summary>Connects a Unix session to the socket at <paramref name="path"/>.</summary>
        internal void ConnectPath(string path, int timeout, CancellationToken cancellationToken)
        {
            EnsureConnectable();
            if (!Protocol.IsUnix())
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch, $"Session {Id} is a {Protocol} session; only a Unix session connects to a socket path.", this);
            }

            ConnectSockets.ConnectPath(path, timeout, cancellationToken);
        }

        /// <summary>Closes gracefully; calling it again does nothing.</summary>
        public void Close()
        {
            if (State == SocketState.Connected)
            {
                _stream?.SayGoodbye();
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

                // A raw socket made by socket(2) (NativeRawSocket) closes only once shutdown has woken its receive thread.
                if (connected || (Protocol == SocketProtocol.Raw && socket != null))
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
            Interlocked.Exchange(ref _connecting, null)?.Cancel();
            _stream?.Close();
            _datagrams?.Close();
            _ownedFile?.Remove();
            _registry?.Remove(this);
            AfterClose?.Invoke(this);
            _events?.OnClosed();
        }

        public void Dispose() => Close();

        public override string ToString()
        {
            string remote = RemoteEndPoint == null ? string.Empty : " -> " + EndPoints.Format(RemoteEndPoint);
            return $"{Protocol} {EndPoints.Format(LocalEndPoint)}{remote} ({State})";
        }

        /// <summary>A socket bound to its local address: the session's socket from now on.</summary>
        internal void AdoptBound(Socket socket, EndPoint? localEndPoint, OwnedSocketFile? ownedFile)
        {
            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    socket.Dispose();
                    throw Closed();
                }

                _socket = socket;
                _ownedFile = ownedFile;
                LocalEndPoint = localEndPoint;
                _state = SocketState.Bound;
                _datagrams?.Start(socket);
            }
        }

        /// <summary>
        /// A connected socket (a connect, or an accepted connection): the session's socket from now on, replacing any
        /// other. <paramref name="secured"/>, when given, is its TLS stream. A session closed meanwhile closes them too.
        /// <paramref name="tunnel"/>, when given, is the proxy's tunnel the socket carries: the remote end point is its
        /// target, and its leftover bytes are received first (unless TLS took them already). <paramref name="peer"/>
        /// stands in when the system names no peer (a connected raw socket has no port to name).
        /// </summary>
        internal void AdoptConnected(Socket socket, string? host, TlsHandshakeResult? secured, ProxyTunnelResult? tunnel = null, EndPoint? peer = null)
        {
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

                _socket = socket;
                LocalEndPoint = EndPoints.Normalize(socket.LocalEndPoint);
                RemoteEndPoint = tunnel == null ? EndPoints.PeerOf(socket) ?? peer : tunnel.TargetEndPoint;
                RemoteHost = host;
                Proxy = tunnel?.Proxy;
                ConnectedAt = DateTime.Now;
                _stream?.Attach(socket, secured == null ? tunnel?.Leftover : null);
                _counters.Touch();
                _state = SocketState.Connected;
                _datagrams?.Start(socket);
                if (secured != null)
                {
                    UseTls(secured);
                }
            }

            OnConnected();
        }

        /// <summary>STARTTLS done: from here on the stream side sends and receives through the TLS stream.</summary>
        internal void AdoptTls(TlsHandshakeResult secured)
        {
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

        /// <summary>A datagram session's first send made its socket: the session's socket from now on, unless it has one.</summary>
        internal Socket AdoptSendingSocket(Func<Socket> make)
        {
            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    throw Closed();
                }

                return _socket ??= make();
            }
        }

        /// <summary>The system bound a UDP session's socket on its first send; replies can come back now.</summary>
        internal void MarkBoundBySend(Socket socket)
        {
            lock (_stateGate)
            {
                if (_state == SocketState.Created && ReferenceEquals(socket, _socket))
                {
                    LocalEndPoint = EndPoints.Normalize(socket.LocalEndPoint);
                    _state = SocketState.Bound;
                    _datagrams?.Start(socket);
                }
            }
        }

        internal void MarkListening()
        {
            lock (_stateGate)
            {
                _state = SocketState.Listening;
            }
        }

        /// <summary>The peer reset the connection: from now on every call says so, and State shows it.</summary>
        internal void MarkReset()
        {
            lock (_stateGate)
            {
                if (_state == SocketState.Connected || _state == SocketState.SendShutdown)
                {
                    _state = SocketState.Reset;
                }
            }
        }

        /// <summary>
        /// The stream's send side is shut down by <paramref name="shutdown"/>, run under the state gate so no other
        /// call sees a half-done shutdown; again does nothing.
        /// </summary>
        internal void ShutDownSendSide(Action<Socket> shutdown)
        {
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

                shutdown(_socket!);
                _state = SocketState.SendShutdown;
            }
        }

        /// <summary>Runs <paramref name="read"/> with the session's state and socket as one consistent snapshot.</summary>
        internal T WithState<T>(Func<SocketState, Socket?, T> read)
        {
            lock (_stateGate)
            {
                return read(_state, _socket);
            }
        }

        /// <summary>Throws unless this is a client session not yet connected: AlreadyConnected, or SessionClosed.</summary>
        internal void EnsureConnectable()
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

        /// <summary>Why <paramref name="action"/> cannot be done in the current state: closed, reset, or not connected.</summary>
        internal SocketSessionException NotReady(string action)
        {
            return _state == SocketState.Closed
                ? Closed()
                : _state == SocketState.Reset
                ? new SocketSessionException(
                    ErrorIds.ConnectionReset,
                    $"Cannot {action} session {Id}: {EndPoints.Format(RemoteEndPoint)} reset the connection. Bytes received before the reset stay readable.",
                    this)
                : _state == SocketState.Connecting
                ? new SocketSessionException(
                    ErrorIds.ConnectInProgress,
                    $"Cannot {action} session {Id}: its connect to {RemoteHost} is still going on (Connect-Socket -NoWait). Wait for it with Wait-Socket -For Connect.",
                    this)
                : new SocketSessionException(
                    ErrorIds.NotConnected, $"Cannot {action} session {Id}: it is {_state}, not connected. Connect it first with Connect-Socket.", this);
        }

        internal SocketSessionException Closed() =>
            new SocketSessionException(
                ErrorIds.SessionClosed,
                LocalEndPoint == null ? $"Session {Id} is closed." : $"Session {Id} ({EndPoints.Format(LocalEndPoint)}) is closed.",
                this);

        #region Events
        private SessionEvents? _events;

        /// <summary>
        /// Bytes (or a datagram) arrived and are buffered, ready for Receive-SocketData; nothing is consumed. The first
        /// handler of DataArrived or PeerClosed starts the stream read-ahead (up to 1 MiB buffered); without one the
        /// session reads only when a receive asks.
        /// </summary>
        public event EventHandler<SocketDataEventArgs>? DataArrived
        {
            add { Events.DataArrived += value; Events.SubscriptionsChanged(); }
            remove { Events.DataArrived -= value; Events.SubscriptionsChanged(); }
        }

        /// <summary>The peer closed its send side (end of stream); raised once. Bytes still buffered stay readable.</summary>
        public event EventHandler<SocketSessionEventArgs>? PeerClosed
        {
            add { Events.PeerClosed += value; Events.SubscriptionsChanged(); }
            remove { Events.PeerClosed -= value; Events.SubscriptionsChanged(); }
        }

        /// <summary>The session became Connected; raised once.</summary>
        public event EventHandler<SocketSessionEventArgs>? Connected
        {
            add => Events.Connected += value;
            remove => Events.Connected -= value;
        }

        /// <summary>The session closed (Close-Socket, or the module closing it); raised once. (Closed() names the error.)</summary>
        public event EventHandler<SocketSessionEventArgs>? SessionClosed
        {
            add => Events.Closed += value;
            remove => Events.Closed -= value;
        }

        /// <summary>Receiving in the background failed (reset, TLS), or a background connect did: the error id and exception.</summary>
        public event EventHandler<SocketErrorEventArgs>? Error
        {
            add => Events.Error += value;
            remove => Events.Error -= value;
        }

        internal SessionEvents Events => LazyInitializer.EnsureInitialized(ref _events, () => new SessionEvents(this))!;

        /// <summary>
        /// The one place a session becomes Connected for its events: raises Connected once and starts a wanted
        /// read-ahead. AdoptConnected calls it; call it outside the state gate.
        /// </summary>
        internal void OnConnected() => _events?.OnConnected();

        /// <summary>Raises Error; for failures no cmdlet call is there to report (a background connect).</summary>
        internal void OnError(SocketSessionException error) => _events?.OnError(error);

        /// <summary>A datagram was queued for receiving (the datagram receiver's thread).</summary>
        internal void OnDatagramArrived() => _events?.OnDataArrived();

        /// <summary>No read-ahead until disposed: STARTTLS reads the socket itself.</summary>
        internal IDisposable PauseReadAhead() => _events?.Pause() ?? NoPause.Instance;

        private sealed class NoPause : IDisposable
        {
            public static readonly NoPause Instance = new NoPause();

            public void Dispose()
            {
            }
        }
        #endregion

        /// <summary>Call under the state gate.</summary>
        private void UseTls(TlsHandshakeResult secured)
        {
            _stream!.UseTls(secured, EndPoints.Format(RemoteEndPoint));
            Tls = secured.Info;
        }

        private static int PositiveLength(int value) =>
            value > 0 ? Math.Min(value, ReceiveBuffer.MaxCapacity) : throw new ArgumentOutOfRangeException(nameof(value), value, "A length limit is at least 1 byte.");
    }
}
