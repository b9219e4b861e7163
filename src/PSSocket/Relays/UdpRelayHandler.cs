using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;

namespace PSSocket.Relays
{
    /// <summary>
    /// UDP relay mode (Start-SocketListener -Udp -ForwardTo): one association per client address, each with its own
    /// UDP socket connected to the target. Client datagrams go to the target through that socket; the target's
    /// replies go back to that client from the listener's socket. An association ends after the idle timeout
    /// (no datagram either way), when a stage aborts it, or when the listener closes. All I/O is asynchronous:
    /// one receive loop on the listener, and per association one receive loop on its socket and one pump of a
    /// bounded queue; one timer checks the idle times.
    /// </summary>
    internal sealed class UdpRelayHandler : IDatagramServerHandler, IConnectionCounts
    {
        public const int DefaultIdleTimeout = 30_000;

        private const int MaxDatagram = 65_536;

        private readonly RelayOptions _options;
        private readonly int _idleTimeout;
        private readonly ConcurrentDictionary<EndPoint, UdpRelayAssociation> _associations = new ConcurrentDictionary<EndPoint, UdpRelayAssociation>();
        private SocketServer? _server;
        private Socket? _listening;
        private Timer? _idleTimer;
        private IPEndPoint? _targetEndPoint;
        private int _nextId;
        private long _closedUp;
        private long _closedDown;
        private int _stopping;

        /// <param name="idleTimeout">Milliseconds an association may carry nothing before it ends; -1 or 0: the default (30 s).</param>
        public UdpRelayHandler(RelayOptions options, int idleTimeout)
        {
            _options = options;
            _idleTimeout = idleTimeout > 0 ? idleTimeout : DefaultIdleTimeout;
        }

        public ServerMode Mode => ServerMode.Relay;

        public RelayOptions Options => _options;

        public IConnectionCounts Counts => this;

        public int Open => _associations.Count;

        public long BytesReceived => Interlocked.Read(ref _closedUp) + _associations.Values.Sum(a => a.BytesUp);

        public long BytesSent => Interlocked.Read(ref _closedDown) + _associations.Values.Sum(a => a.BytesDown);

        internal int IdleTimeout => _idleTimeout;

        internal SocketServer Server => _server!;

        internal Socket Listening => _listening!;

        public void Start(SocketServer server)
        {
            _server = server;
            if (_options.Target.Path != null || _options.Target.Tls != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ConflictingParameters, "A UDP relay forwards datagrams to a host and port, without TLS: give -ForwardTo host:port.", _options.Target.Described);
            }
        }

        public void Handle(SocketSession connection) => connection.Close();

        public async Task RunAsync(Socket socket, CancellationToken stopping)
        {
            _listening = socket;
            _targetEndPoint = await ResolveTargetAsync().ConfigureAwait(false);
            int period = Math.Max(10, Math.Min(1000, _idleTimeout / 4));
            _idleTimer = new Timer(_ => CheckIdle(), null, period, period);
            var buffer = new byte[MaxDatagram];
            EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
            while (!stopping.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, any).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException e)
                {
                    if (stopping.IsCancellationRequested || _server!.Listener.State == SocketState.Closed)
                    {
                        return;
                    }

                    // An ICMP port unreachable for an earlier reply (ConnectionReset) and the like: go on with the others.
                    if (_server!.LogConnections)
                    {
                        _server.ReportVerbose($"Receiving on the UDP relay: {e.SocketErrorCode} ({e.Message}).");
                    }

                    continue;
                }

                try
                {
                    OnDatagram(received.RemoteEndPoint, buffer, received.ReceivedBytes);
                }
                catch (Exception e)
                {
                    _server!.ReportFailure(e, null);
                }
            }
        }

        public void BeginStop()
        {
            Interlocked.Exchange(ref _stopping, 1);
            _idleTimer?.Dispose();
            foreach (UdpRelayAssociation association in _associations.Values)
            {
                association.End(RelayEnding.Stopped, null);
            }
        }

        public void Dispose()
        {
            _idleTimer?.Dispose();
        }

        /// <summary>Called once by an association that has ended: counts its bytes and writes its summary.</summary>
        internal void OnEnded(UdpRelayAssociation association, RelayEnding ending, string? reason)
        {
            _associations.TryRemove(association.Client, out _);
            Interlocked.Add(ref _closedUp, association.BytesUp);
            Interlocked.Add(ref _closedDown, association.BytesDown);
            SocketServer server = _server!;
            if (server.LogConnections)
            {
                server.ReportVerbose(
                    $"Association {association.Id} ({EndPoints.Format(association.Client)}) ended ({ending}): {association.BytesUp} bytes to the target, {association.BytesDown} back.");
            }

            if (_options.Summaries)
            {
                server.ReportOutput(new RelayConnectionSummary(
                    association.Id, association.Client, _options.Target.Described, association.BytesUp, association.BytesDown,
                    association.StartedAt, DateTime.Now - association.StartedAt, ending, reason));
            }
        }

        private void OnDatagram(EndPoint from, byte[] buffer, int count)
        {
            if (_associations.TryGetValue(from, out UdpRelayAssociation? association))
            {
                association.FromClient(buffer, count);
                return;
            }

            if (Volatile.Read(ref _stopping) != 0)
            {
                return;
            }

            SocketServer server = _server!;
            IPAddress? address = (from as IPEndPoint)?.Address;
            string? refusal = null;
            if (server.Options.AllowedClients != null && !server.Options.AllowedClients.Allows(address))
            {
                refusal = "the address is not in -AllowedClient";
            }
            else if (server.Options.MaxConnections is int max && _associations.Count >= max)
            {
                refusal = $"{max} associations are open (-MaxConnections)";
            }
            else if (_options.Stages?.RefusesNewConnections == true)
            {
                refusal = "the relay refuses new connections";
            }

            if (refusal != null)
            {
                server.Statistics.CountRefused();
                if (server.LogConnections)
                {
                    server.ReportVerbose($"Refused a datagram from {EndPoints.Format(from)}: {refusal}.");
                }

                return;
            }

            Socket upstream;
            try
            {
                upstream = new Socket(_targetEndPoint!.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                upstream.Connect(_targetEndPoint);
            }
            catch (SocketException e)
            {
                server.ReportError(SocketErrorTranslator.ForTransfer(e, $"connecting a UDP relay socket to {_options.Target.Described}", _options.Target.Described));
                return;
            }

            association = new UdpRelayAssociation(this, Interlocked.Increment(ref _nextId), from, upstream, _targetEndPoint);
            _associations[from] = association;
            server.Statistics.CountAccepted();
            if (server.LogConnections)
            {
                server.ReportVerbose($"Association {association.Id}: {EndPoints.Format(from)} -> {_options.Target.Described}.");
            }

            association.Start();
            association.FromClient(buffer, count);
        }

        private void CheckIdle()
        {
            try
            {
                long now = Environment.TickCount;
                foreach (UdpRelayAssociation association in _associations.Values)
                {
                    if (unchecked(now - association.LastActivity) >= _idleTimeout)
                    {
                        association.End(RelayEnding.Idle, null);
                    }
                }
            }
            catch (Exception e)
            {
                _server?.ReportFailure(e, null);
            }
        }

        private async Task<IPEndPoint> ResolveTargetAsync()
        {
            RelayTarget target = _options.Target;
            if (IPAddress.TryParse(target.Host, out IPAddress? literal))
            {
                return new IPEndPoint(literal, target.Port);
            }

            IPAddress[] addresses = await Dns.GetHostAddressesAsync(target.Host).ConfigureAwait(false);
            IPAddress? chosen = addresses.FirstOrDefault(a =>
                target.Family == IPFamily.IPv4 ? a.AddressFamily == AddressFamily.InterNetwork
                : target.Family == IPFamily.IPv6 ? a.AddressFamily == AddressFamily.InterNetworkV6
                : a.AddressFamily == AddressFamily.InterNetwork || a.AddressFamily == AddressFamily.InterNetworkV6);
            if (chosen == null)
            {
                throw new SocketSessionException(ErrorIds.RelayTargetUnreachable, $"The relay target {target.Described} has no address to send to.", target.Described);
            }

            return new IPEndPoint(chosen, target.Port);
        }
    }
}
