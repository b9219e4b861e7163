using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Threading;
using PSSocket.Transports;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The datagram side of a session (UDP, Unix datagram): connect to a default peer, send to any destination,
    /// receive whole datagrams from the receive channel that a background pump fills, and join multicast groups.
    /// </summary>
    internal sealed class DatagramTransport
    {
        private readonly SocketSession _session;

        /// <summary>One datagram send at a time on the socket: guards <see cref="_sender"/> and its socket's send timeout.</summary>
        private readonly object _sendGate = new object();
        private DatagramSender? _sender;

        /// <summary>Set under the session's state gate when the session gets a socket that can receive.</summary>
        private DatagramChannel? _channel;
        private long _datagramsSent;

        public DatagramTransport(SocketSession session)
        {
            _session = session;
        }

        public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

        public long DatagramsReceived => _channel?.DatagramsReceived ?? 0;

        public int DatagramsBuffered => _channel?.Count ?? 0;

        public int BytesBuffered => _channel?.BytesBuffered ?? 0;

        /// <summary>Connects to the request's host: the default peer of sends without a destination, and the only one received from.</summary>
        public void Connect(ConnectRequest request)
        {
            if (request.Tls != null)
            {
                _session.StreamFor("secure with TLS");
            }

            // Linux names no peer for a connected raw socket (getpeername needs a port): the address connected to stands in.
            IPAddress? attempted = null;
            request.Attempting += address => attempted = address;
            Socket socket = _session.ConnectSockets.Connect(request);
            _session.AdoptConnected(socket, request.Host, null, peer: _session.Protocol == SocketProtocol.Raw && attempted != null ? new IPEndPoint(attempted, 0) : null);
        }

        /// <summary>The next datagram, as the pump queued it; NotBound before the session has a local address.</summary>
        public ReceivedDatagram Receive(Deadline deadline, CancellationToken cancellationToken)
        {
            DatagramChannel channel = _session.WithState((state, socket) =>
                state == SocketState.Closed
                    ? throw _session.Closed()
                    : _session.Settings.ServerReceives
                    ? throw new SocketSessionException(
                        ErrorIds.ListenerInUse, $"Session {_session.Id} runs a UDP relay, which receives its datagrams; Receive-SocketData cannot read them too.", _session)
                    : _channel ?? throw new SocketSessionException(
                        ErrorIds.NotBound,
                        $"Session {_session.Id} has no local address to receive at yet: bind it (New-Socket -LocalPort or -LocalPath, Start-SocketListener), connect it, or send from it first.",
                        _session));
            try
            {
                return channel.Receive(deadline, cancellationToken, EndPoints.Format(_session.LocalEndPoint));
            }
            catch (SocketSessionException e) when (e.ErrorId == ErrorIds.SessionClosed && _session.State == SocketState.Closed)
            {
                throw _session.Closed();
            }
        }

        /// <summary>
        /// Sends one datagram: to <paramref name="destination"/> when given (sendto), else to the connected peer. A UDP
        /// session with no socket yet makes one of the destination's family; the system binds it on the first send.
        /// </summary>
        public void Send(byte[] data, EndPoint? destination, CancellationToken cancellationToken)
        {
            Deadline deadline = Deadline.After(_session.SendTimeout);
            _session.WithState((state, socket) =>
                state == SocketState.Closed ? throw _session.Closed()
                : destination == null && state != SocketState.Connected ? throw new SocketSessionException(
                    ErrorIds.NoDestination,
                    $"Session {_session.Id} is not connected to a peer: give the datagram a destination (-RemoteEndPoint, or -ComputerName and -Port), or connect the session first. (A datagram from an unnamed Unix socket has no address to answer at.)",
                    _session)
                : true);

            EndPoint? target = destination == null ? null : ResolveDestination(destination, deadline, cancellationToken);
            SocketSettings settings = _session.Settings;
            Socket socket = _session.AdoptSendingSocket(
                () => _session.Protocol.IsUnix() ? settings.NewUnixSocket(_session) : settings.NewSocket(target!.AddressFamily));
            CheckSize(data.Length, target ?? _session.RemoteEndPoint, socket);
            string described = EndPoints.Format(target ?? _session.RemoteEndPoint);
            lock (_sendGate)
            {
                if (_sender == null || !ReferenceEquals(_sender.Socket, socket))
                {
                    _sender = new DatagramSender(socket, _session.Counters, _session);
                }

                SocketError refused = _sender.Send(new DatagramSendRequest(data, target, described, deadline, cancellationToken));
                if (refused != SocketError.Success)
                {
                    throw DatagramSendFailure.For(refused, target, described, data.Length, _session, settings.Broadcast);
                }
            }

            Interlocked.Increment(ref _datagramsSent);
            if (_session.Protocol == SocketProtocol.Udp || _session.Protocol == SocketProtocol.Raw)
            {
                _session.MarkBoundBySend(socket);
            }
        }

        /// <summary>A bound UDP listener joins the settings' multicast groups.</summary>
        public void JoinMulticastGroups()
        {
            Socket socket = _session.Socket!;
            foreach (IPAddress group in _session.Settings.MulticastGroups)
            {
                bool multicast = group.AddressFamily == AddressFamily.InterNetwork
                    ? (group.GetAddressBytes()[0] & 0xF0) == 0xE0
                    : group.IsIPv6Multicast;
                if (!multicast || _session.Protocol != SocketProtocol.Udp)
                {
                    throw new SocketSessionException(
                        ErrorIds.InvalidMulticastGroup,
                        multicast
                            ? $"Only UDP sessions join multicast groups; session {_session.Id} is {_session.Protocol}."
                            : $"{group} is not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8).",
                        group);
                }

                if (socket.AddressFamily != group.AddressFamily)
                {
                    throw new SocketSessionException(
                        ErrorIds.AddressFamilyMismatch,
                        $"The multicast group {group} is not of the family of the session's address {EndPoints.Format(_session.LocalEndPoint)}.",
                        group);
                }

                try
                {
                    if (group.AddressFamily == AddressFamily.InterNetwork)
                    {
                        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group));
                    }
                    else
                    {
                        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group));
                    }
                }
                catch (SocketException e)
                {
                    throw new SocketSessionException(
                        ErrorIds.SocketError, $"Joining the multicast group {group} failed: {e.SocketErrorCode} ({e.Message}).", group, e);
                }
            }
        }

        /// <summary>Call under the session's state gate: starts the receive pump once the session has a socket that can receive.</summary>
        public void Start(Socket socket)
        {
            // A UDP relay's listener (Start-SocketListener -Protocol Udp -ForwardTo): the relay server reads the socket itself
            // (UdpRelayHandler), so the session's own receive pump must not start and take datagrams from it.
            if (_session.Settings.ServerReceives)
            {
                return;
            }

            if (ReferenceEquals(_channel?.Socket, socket))
            {
                return;
            }

            _channel?.Dispose();
            EndPoint? unixTemplate = socket.AddressFamily == AddressFamily.Unix ? UnixEndPoints.ReceiveTemplate() : null;
            _channel = new DatagramChannel(socket, _session.Counters, _session, unixTemplate) { Arrived = _session.OnDatagramArrived };
            _channel.Start();
        }

        /// <summary>After the session closed its socket: wakes waiting receives.</summary>
        public void Close() => _channel?.Dispose();

        private EndPoint ResolveDestination(EndPoint destination, Deadline deadline, CancellationToken cancellationToken)
        {
            bool unixTarget = UnixEndPoints.IsUnix(destination);
            if (_session.Protocol.IsUnix() != unixTarget)
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    unixTarget
                        ? $"Session {_session.Id} is a {_session.Protocol} session; it cannot send to the socket path {destination}."
                        : $"Session {_session.Id} is a {_session.Protocol} session; it sends to socket paths, not to {EndPoints.Format(destination)}.",
                    _session);
            }

            if (unixTarget)
            {
                return destination is SocketPathEndPoint written ? UnixEndPoints.Create(written.Path, _session) : destination;
            }

            if (destination is DnsEndPoint named)
            {
                IPAddress[] addresses = HostResolver.Resolve(named.Host, deadline, cancellationToken);
                IPAddress? usable = addresses.FirstOrDefault(a => CanSendTo(a.AddressFamily));
                if (usable == null)
                {
                    IPFamily family = _session.Settings.Family;
                    throw new SocketSessionException(
                        ErrorIds.NoAddressForFamily,
                        $"'{named.Host}' has no {(family == IPFamily.Any ? string.Empty : family + " ")}address this session can send to; it has {string.Join(", ", addresses.Select(a => a.ToString()))}.",
                        _session);
                }

                return new IPEndPoint(usable, named.Port);
            }

            if (!CanSendTo(destination.AddressFamily))
            {
                Socket? socket = _session.Socket;
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    $"Session {_session.Id} uses {(socket?.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : socket != null ? "IPv4" : _session.Settings.Family.ToString())}; it cannot send to {EndPoints.Format(destination)}.",
                    _session);
            }

            return destination;
        }

        private bool CanSendTo(AddressFamily family)
        {
            Socket? socket = _session.Socket;
            if (socket == null)
            {
                return _session.Settings.Family.Allows(family);
            }

            return socket.AddressFamily == family
                || (socket.AddressFamily == AddressFamily.InterNetworkV6 && family == AddressFamily.InterNetwork && socket.DualMode);
        }

        private void CheckSize(int length, EndPoint? to, Socket socket)
        {
            if (socket.AddressFamily == AddressFamily.Unix)
            {
                return; // the limit is the sender's buffer; the system says EMSGSIZE
            }

            bool ipv4 = to is IPEndPoint ip ? ip.AddressFamily == AddressFamily.InterNetwork || ip.Address.IsIPv4MappedToIPv6 : socket.AddressFamily == AddressFamily.InterNetwork;
            bool raw = _session.Protocol == SocketProtocol.Raw;
            int limit = raw ? (ipv4 ? RawSockets.MaxPayloadIPv4 : RawSockets.MaxPayloadIPv6)
                : ipv4 ? SocketSession.MaxUdpDatagramIPv4 : SocketSession.MaxUdpDatagramIPv6;
            if (length > limit)
            {
                throw new SocketSessionException(
                    ErrorIds.DatagramTooLarge,
                    $"A {length}-byte datagram is larger than {(raw ? "an IP packet" : "UDP")} over {(ipv4 ? "IPv4" : "IPv6")} carries ({limit} bytes); nothing was sent. Split the data{(raw ? string.Empty : ", or use TCP")}.",
                    _session);
            }
        }
    }
}
