using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The socket kinds beyond TCP: datagram sessions (UDP, Unix datagram), which keep message boundaries and can
    /// send to any peer, and Unix domain sockets, whose end points are paths in the file system.
    /// </summary>
    public sealed partial class SocketSession
    {
        /// <summary>The largest UDP payload over IPv4: 65,535 less the IPv4 and UDP headers.</summary>
        public const int MaxUdpDatagramIPv4 = 65_507;

        /// <summary>The largest UDP payload over IPv6 without jumbograms: 65,535 less the UDP header.</summary>
        public const int MaxUdpDatagramIPv6 = 65_527;

        private readonly object _datagramSendGate = new object();
        private DatagramChannel? _datagrams;
        private string? _ownedSocketFile;
        private FileIdentity? _ownedSocketIdentity;
        private long _datagramsSent;
        private int _datagramSendTimeoutSet = -2;

        /// <summary>Datagrams sent so far (datagram sessions).</summary>
        public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

        /// <summary>Datagrams received from the socket so far, returned or not (datagram sessions).</summary>
        public long DatagramsReceived => _datagrams?.DatagramsReceived ?? 0;

        /// <summary>Datagrams received and not yet returned by Receive-SocketData.</summary>
        public int DatagramsBuffered => _datagrams?.Count ?? 0;

        /// <summary>The multicast groups this session joined.</summary>
        public IPAddress[] MulticastGroups => _settings.MulticastGroups.ToArray();

        internal bool IsDatagram => Protocol.IsDatagram();

        /// <summary>A UDP listener: a datagram socket bound to a port, receiving from any sender. Joins the settings' multicast groups.</summary>
        public static SocketSession CreateDatagramListener(SocketSettings settings, SessionRegistry? registry, IPEndPoint localEndPoint)
        {
            var session = new SocketSession(SocketRole.Listener, settings, registry);
            try
            {
                session.Bind(localEndPoint);
                session.JoinMulticastGroups();
                return session;
            }
            catch
            {
                session.Close();
                throw;
            }
        }

        /// <summary>
        /// A Unix listener: a stream socket listening on <paramref name="path"/>, or a datagram socket bound to it.
        /// <paramref name="mayRemoveStale"/>, when given, is asked before a stale socket file there is removed.
        /// </summary>
        public static SocketSession CreateUnixListener(
            SocketSettings settings, SessionRegistry? registry, string path, int backlog, Func<string, bool>? mayRemoveStale = null)
        {
            var session = new SocketSession(SocketRole.Listener, settings, registry);
            try
            {
                session.BindPath(path, mayRemoveStale);
                if (!session.IsDatagram)
                {
                    session.Listen(backlog, path);
                }

                return session;
            }
            catch
            {
                session.Close();
                throw;
            }
        }

        /// <summary>A Unix client, bound to <paramref name="localPath"/> when given (a datagram client needs a path to be answered at).</summary>
        public static SocketSession CreateUnixClient(
            SocketSettings settings, SessionRegistry? registry, string? localPath, Func<string, bool>? mayRemoveStale = null) =>
            CreateClient(settings, registry, localPath == null ? null : new Action<SocketSession>(s => s.BindPath(localPath, mayRemoveStale)));

        /// <summary>Connects a Unix session to the socket at <paramref name="path"/>.</summary>
        public void ConnectPath(string path, int timeout, CancellationToken cancellationToken)
        {
            EnsureConnectable();
            if (!Protocol.IsUnix())
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch, $"Session {Id} is a {Protocol} session; only a Unix session connects to a socket path.", this);
            }

            EndPoint endPoint = UnixEndPoints.Create(path, this);
            UnixPathKind kind = UnixEndPoints.CheckConnectTarget(path, this);
            Deadline deadline = Deadline.After(timeout);
            Socket socket;
            lock (_stateGate)
            {
                socket = _socket != null && !_socketUsedForConnect ? _socket : NewUnixSocket();
                _socketUsedForConnect = true;
            }

            bool keep = false;
            try
            {
                Task attempt = socket.ConnectAsync(endPoint);
                if (!TaskWaiter.Wait(attempt, deadline, cancellationToken))
                {
                    TaskWaiter.Forget(attempt);
                    throw new SocketSessionException(
                        ErrorIds.ConnectTimedOut, $"Connection to {path} timed out after {timeout} ms.", this);
                }

                attempt.GetAwaiter().GetResult();
                lock (_stateGate)
                {
                    if (_state == SocketState.Closed)
                    {
                        throw Closed();
                    }

                    if (!ReferenceEquals(socket, _socket))
                    {
                        _socket?.Dispose();
                    }

                    Attach(socket, null);
                    keep = true;
                }
            }
            catch (SocketException e)
            {
                throw UnixEndPoints.ForConnect(e, path, kind, Protocol, this);
            }
            finally
            {
                if (!keep && !ReferenceEquals(socket, _socket))
                {
                    socket.Dispose();
                }
            }
        }

        /// <summary>The next datagram, as the pump queued it; NotBound before the session has a local address.</summary>
        internal ReceivedDatagram ReceiveDatagram(Deadline deadline, CancellationToken cancellationToken)
        {
            DatagramChannel channel;
            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    throw Closed();
                }

                if (!IsDatagram)
                {
                    throw NotADatagramSession("receive datagrams");
                }

                channel = _datagrams ?? throw new SocketSessionException(
                    ErrorIds.NotBound,
                    $"Session {Id} has no local address to receive at yet: bind it (New-Socket -LocalPort or -LocalPath, Start-SocketListener), connect it, or send from it first.",
                    this);
            }

            try
            {
                return channel.Receive(deadline, cancellationToken, EndPoints.Format(LocalEndPoint));
            }
            catch (SocketSessionException e) when (e.ErrorId == ErrorIds.SessionClosed && State == SocketState.Closed)
            {
                throw Closed();
            }
        }

        /// <summary>
        /// Sends one datagram: to <paramref name="destination"/> when given (sendto), else to the connected peer. A UDP
        /// session with no socket yet makes one of the destination's family; the system binds it on the first send.
        /// </summary>
        public void SendDatagram(byte[] data, EndPoint? destination, CancellationToken cancellationToken)
        {
            if (!IsDatagram)
            {
                throw NotADatagramSession("send to a chosen destination");
            }

            Deadline deadline = Deadline.After(SendTimeout);
            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    throw Closed();
                }

                if (destination == null && _state != SocketState.Connected)
                {
                    throw new SocketSessionException(
                        ErrorIds.NoDestination,
                        $"Session {Id} is not connected to a peer: give the datagram a destination (-RemoteEndPoint, or -ComputerName and -Port), or connect the session first. (A datagram from an unnamed Unix socket has no address to answer at.)",
                        this);
                }
            }

            EndPoint? target = destination == null ? null : ResolveDestination(destination, deadline, cancellationToken);
            Socket socket;
            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    throw Closed();
                }

                socket = _socket ?? MakeSendingSocket(target!);
            }

            CheckDatagramSize(data.Length, target ?? RemoteEndPoint, socket);
            string described = target == null ? EndPoints.Format(RemoteEndPoint) : EndPoints.Format(target);
            lock (_datagramSendGate)
            {
                DatagramSender.Send(socket, data, target, deadline, cancellationToken, _counters, this, described, _settings.Broadcast, ref _datagramSendTimeoutSet);
            }

            Interlocked.Increment(ref _datagramsSent);
            lock (_stateGate)
            {
                if (_state == SocketState.Created && Protocol == SocketProtocol.Udp && ReferenceEquals(socket, _socket))
                {
                    // The system bound the socket on the first send; replies can come back now.
                    LocalEndPoint = EndPoints.Normalize(socket.LocalEndPoint);
                    _state = SocketState.Bound;
                    StartDatagrams(socket);
                }
            }
        }

        private EndPoint ResolveDestination(EndPoint destination, Deadline deadline, CancellationToken cancellationToken)
        {
            bool unixTarget = UnixEndPoints.IsUnix(destination);
            if (Protocol.IsUnix() != unixTarget)
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    unixTarget
                        ? $"Session {Id} is a {Protocol} session; it cannot send to the socket path {destination}."
                        : $"Session {Id} is a {Protocol} session; it sends to socket paths, not to {EndPoints.Format(destination)}.",
                    this);
            }

            if (unixTarget)
            {
                return destination is SocketPathEndPoint written ? UnixEndPoints.Create(written.Path, this) : destination;
            }

            if (destination is DnsEndPoint named)
            {
                IPAddress[] addresses = HostResolver.Resolve(named.Host, deadline, cancellationToken);
                IPAddress? usable = addresses.FirstOrDefault(a => CanSendTo(a.AddressFamily));
                if (usable == null)
                {
                    throw new SocketSessionException(
                        ErrorIds.NoAddressForFamily,
                        $"'{named.Host}' has no {(_settings.Family == IPFamily.Any ? string.Empty : _settings.Family + " ")}address this session can send to; it has {string.Join(", ", addresses.Select(a => a.ToString()))}.",
                        this);
                }

                return new IPEndPoint(usable, named.Port);
            }

            if (!CanSendTo(destination.AddressFamily))
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    $"Session {Id} uses {(_socket?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : _socket != null ? "IPv4" : _settings.Family.ToString())}; it cannot send to {EndPoints.Format(destination)}.",
                    this);
            }

            return destination;
        }

        private bool CanSendTo(AddressFamily family)
        {
            Socket? socket = _socket;
            if (socket == null)
            {
                return _settings.Family.Allows(family);
            }

            return socket.AddressFamily == family
                || (socket.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && family == System.Net.Sockets.AddressFamily.InterNetwork && socket.DualMode);
        }

        private void CheckDatagramSize(int length, EndPoint? to, Socket socket)
        {
            if (socket.AddressFamily == System.Net.Sockets.AddressFamily.Unix)
            {
                return; // the limit is the sender's buffer; the system says EMSGSIZE
            }

            bool ipv4 = to is IPEndPoint ip ? ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || ip.Address.IsIPv4MappedToIPv6 : socket.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
            int limit = ipv4 ? MaxUdpDatagramIPv4 : MaxUdpDatagramIPv6;
            if (length > limit)
            {
                throw new SocketSessionException(
                    ErrorIds.DatagramTooLarge,
                    $"A {length}-byte datagram is larger than UDP over {(ipv4 ? "IPv4" : "IPv6")} carries ({limit} bytes); nothing was sent. Split the data, or use TCP.",
                    this);
            }
        }

        /// <summary>Called under the state gate, for a datagram session's first send with no socket yet.</summary>
        private Socket MakeSendingSocket(EndPoint target)
        {
            Socket socket = Protocol.IsUnix() ? NewUnixSocket() : NewSocket(target.AddressFamily);
            _socket = socket;
            return socket;
        }

        private Socket NewUnixSocket()
        {
            Socket socket = UnixEndPoints.NewSocket(Protocol, this);
            _settings.ApplyTo(socket);
            return socket;
        }

        private void BindPath(string path, Func<string, bool>? mayRemoveStale)
        {
            EndPoint endPoint = UnixEndPoints.Create(path, this);
            UnixEndPoints.ClearStaleSocket(path, endPoint, Protocol, this, mayRemoveStale);
            Socket socket = NewUnixSocket();
            try
            {
                socket.Bind(new UnixBindEndPoint(path));
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw UnixEndPoints.ForBind(e, path, this);
            }

            _socket = socket;
            _ownedSocketFile = path;
            _ownedSocketIdentity = UnixFileStatus.Socket(path);
            LocalEndPoint = endPoint;
            _state = SocketState.Bound;
            StartDatagrams(socket);
        }

        private void JoinMulticastGroups()
        {
            foreach (IPAddress group in _settings.MulticastGroups)
            {
                bool multicast = group.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                    ? (group.GetAddressBytes()[0] & 0xF0) == 0xE0
                    : group.IsIPv6Multicast;
                if (!multicast || Protocol != SocketProtocol.Udp)
                {
                    throw new SocketSessionException(
                        ErrorIds.InvalidMulticastGroup,
                        multicast
                            ? $"Only UDP sessions join multicast groups; session {Id} is {Protocol}."
                            : $"{group} is not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8).",
                        group);
                }

                if (_socket!.AddressFamily != group.AddressFamily)
                {
                    throw new SocketSessionException(
                        ErrorIds.AddressFamilyMismatch,
                        $"The multicast group {group} is not of the family of the session's address {EndPoints.Format(LocalEndPoint)}.",
                        group);
                }

                try
                {
                    if (group.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                    {
                        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group));
                    }
                    else
                    {
                        _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group));
                    }
                }
                catch (SocketException e)
                {
                    throw new SocketSessionException(
                        ErrorIds.SocketError, $"Joining the multicast group {group} failed: {e.SocketErrorCode} ({e.Message}).", group, e);
                }
            }
        }

        /// <summary>Starts the receive pump of a datagram session once it has a socket that can receive.</summary>
        private void StartDatagrams(Socket socket)
        {
            if (!IsDatagram || ReferenceEquals(_datagrams?.Socket, socket))
            {
                return;
            }

            _datagrams?.Dispose();
            _datagrams = new DatagramChannel(socket, _counters, this);
            _datagrams.Start();
        }

        /// <summary>
        /// At close: wakes waiting receives, and removes the socket file this session bound, only while the path still
        /// names that very file (same device and inode, looked up without following a link): a file, a link or another
        /// process's socket put there since is never removed.
        /// </summary>
        private void CloseKinds()
        {
            _datagrams?.Dispose();
            string? path = _ownedSocketFile;
            FileIdentity? created = _ownedSocketIdentity;
            _ownedSocketFile = null;
            if (path != null && created != null && UnixFileStatus.Socket(path) is FileIdentity now && now.Equals(created.Value))
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Someone else's to clean up now; closing goes on.
                }
            }
        }

        /// <summary>NotAStreamSession for a datagram session, before a stream-only operation starts.</summary>
        internal void EnsureStreamSession(string action) => EnsureStream(action);

        private void EnsureStream(string action)
        {
            if (IsDatagram)
            {
                throw new SocketSessionException(
                    ErrorIds.NotAStreamSession,
                    $"Cannot {action} session {Id}: it is a {Protocol} session, which sends and receives whole datagrams. Receive-SocketData returns one datagram per object; -Line, -Delimiter, -ToEnd, -OutFile, Send-SocketData -Path, Wait-SocketConnection and Close-Socket -SendOnly are for stream sessions.",
                    this);
            }
        }

        private void EnsureIPProtocol()
        {
            if (Protocol.IsUnix())
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch, $"Session {Id} is a {Protocol} session; connect it to a socket path (-Path), not to a host and port.", this);
            }
        }

        private SocketSessionException NotADatagramSession(string action) =>
            new SocketSessionException(
                ErrorIds.NotADatagramSession,
                $"Cannot {action} on session {Id}: it is a {Protocol} session, a stream to one peer. Destinations and datagram receives are for Udp and UnixDatagram sessions.",
                this);
    }
}
