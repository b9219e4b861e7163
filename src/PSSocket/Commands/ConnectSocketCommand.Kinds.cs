using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Commands
{
    /// <summary>Connect-Socket for UDP (a default peer) and Unix domain sockets (-Path).</summary>
    public sealed partial class ConnectSocketCommand
    {
        private const string PathSet = "Path";
        private const string SessionPathSet = "SessionPath";

        /// <summary>The Unix domain socket to connect to, such as /var/run/docker.sock.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [Parameter(Mandatory = true, ParameterSetName = SessionPathSet)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>
        /// Only for a session made here: Tcp (the default) or Udp with -ComputerName, UnixStream (the default) or
        /// UnixDatagram with -Path.
        /// </summary>
        [Parameter(ParameterSetName = NewSessionSet)]
        [Parameter(ParameterSetName = PathSet)]
        public SocketProtocol Protocol { get; set; }

        /// <summary>Only for a Udp session made here: allows a broadcast address as the peer (SO_BROADCAST).</summary>
        [Parameter(ParameterSetName = NewSessionSet)]
        public SwitchParameter Broadcast { get; set; }

        private bool ToPath => ParameterSetName == PathSet || ParameterSetName == SessionPathSet;

        private string? _resolvedPath;

        /// <summary>What the connection was for: host:port, or the socket path.</summary>
        private string Destination => ToPath ? ResolvedPath : $"{ComputerName}:{Port}";

        private string ResolvedPath => _resolvedPath ??= GetUnresolvedProviderPathFromPSPath(Path);

        private SocketSession NewSession(SocketSettings settings)
        {
            SocketProtocol protocol = IsBound(nameof(Protocol)) ? Protocol : ToPath ? SocketProtocol.UnixStream : SocketProtocol.Tcp;
            string? conflict = ToPath && !protocol.IsUnix() ? $"-Path connects to a Unix domain socket: use -Protocol UnixStream or UnixDatagram, not {protocol}."
                : !ToPath && protocol.IsUnix() ? $"A {protocol} session connects to a socket path: use -Path instead of -ComputerName and -Port."
                : Broadcast && protocol != SocketProtocol.Udp ? $"-Broadcast is for Udp sessions, not {protocol}."
                : null;
            if (conflict != null)
            {
                ThrowTerminating(new SocketSessionException(ErrorIds.ConflictingParameters, conflict, protocol));
            }

            if (_tls != null && protocol.IsDatagram())
            {
                ThrowTerminating(new SocketSessionException(
                    ErrorIds.ConflictingParameters, $"-UseTls needs a stream session (Tcp or UnixStream); a {protocol} session sends datagrams, which TLS does not carry.", protocol));
            }

            settings.Protocol = protocol;
            settings.Broadcast = Broadcast;
            return protocol.IsUnix()
                ? SocketSession.CreateUnixClient(settings, Registry, null)
                : SocketSession.CreateClient(settings, Registry, null);
        }

        /// <summary>
        /// Connects by host and port (with the TLS handshake in the same timeout), or to a socket path. TLS over a
        /// Unix stream socket is the STARTTLS upgrade right after the connection; a datagram session cannot speak TLS
        /// (NotAStreamSession, before anything is connected).
        /// </summary>
        private void ConnectSession(SocketSession session, int timeout, ConnectTrace? trace)
        {
            if (_tls != null)
            {
                session.EnsureStreamSession("start TLS on");
            }

            if (ToPath)
            {
                Deadline deadline = Deadline.After(timeout);
                session.ConnectPath(ResolvedPath, timeout, StopToken);
                if (_tls != null)
                {
                    session.StartTls(_tls, deadline.RemainingMilliseconds, false, StopToken);
                }
            }
            else
            {
                session.Connect(ComputerName, Port, timeout, _tls, StopToken, trace);
            }
        }
    }
}
