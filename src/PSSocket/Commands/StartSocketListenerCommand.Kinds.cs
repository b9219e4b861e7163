using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Start-SocketListener for UDP, Unix domain sockets (-Path) and dual-stack IPv6 (-DualMode).</summary>
    public sealed partial class StartSocketListenerCommand
    {
        /// <summary>Tcp (the default), Udp (a bound datagram socket that receives from any sender), UnixStream (the default with -Path) or UnixDatagram.</summary>
        [Parameter]
        public SocketProtocol Protocol { get; set; }

        /// <summary>The socket path a Unix listener binds; the file is removed when the listener closes.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>An IPv6 listener on :: that also accepts IPv4 clients, shown as plain IPv4 (127.0.0.1:5000).</summary>
        [Parameter]
        public SwitchParameter DualMode { get; set; }

        /// <summary>Udp: multicast groups to join. Without -LocalAddress the listener then binds the wildcard address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public IPAddress[]? MulticastGroup { get; set; }

        /// <summary>
        /// Udp: allows sending (answering) to broadcast addresses (SO_BROADCAST). New-Socket and Connect-Socket call
        /// this -Broadcast; on Start-SocketListener, -Broadcast is the chat server mode.
        /// </summary>
        [Parameter]
        public SwitchParameter EnableBroadcast { get; set; }

        private bool IsServerMode => ParameterSetName != ListenSet;

        /// <summary>
        /// Checks the kind of socket against the other options and puts it in the settings. Options that cannot go
        /// together stop the command (ConflictingParameters) before anything is bound: a datagram listener has no
        /// connections to serve (-Echo, -Greeting, -Broadcast, -ScriptBlock) or to secure (-Certificate), and a Unix
        /// listener's clients have no address for -AllowedClient. False: an error was written and nothing is to start.
        /// </summary>
        private bool PrepareKind(SocketSettings settings, bool tls)
        {
            SocketProtocol protocol = IsBound(nameof(Protocol)) ? Protocol : Path != null ? SocketProtocol.UnixStream : SocketProtocol.Tcp;
            bool unix = protocol.IsUnix();
            bool ipOptions = IsBound(nameof(Port)) || LocalAddress != null || IsBound(nameof(AddressFamily)) || DualMode || MulticastGroup != null;
            string? conflict = Path != null && !unix ? $"-Path makes a Unix domain socket listener: use -Protocol UnixStream or UnixDatagram, not {protocol}."
                : unix && Path == null ? $"A {protocol} listener needs a socket path: give -Path."
                : unix && (ipOptions || EnableBroadcast) ? "A Unix listener has a socket path, not an address family, address or port: leave out -Port, -LocalAddress, -AddressFamily, -DualMode, -MulticastGroup and -EnableBroadcast."
                : protocol.IsDatagram() && IsBound(nameof(Backlog)) ? "-Backlog is the queue of connections to accept; a datagram listener has none."
                : protocol.IsDatagram() && IsServerMode ? $"-{ModeName} serves connections; a {protocol} listener receives datagrams and has none. Use a Tcp or UnixStream listener, or receive the datagrams with Receive-SocketData." + (ModeName == nameof(Broadcast) ? " (-Broadcast here is the chat server; SO_BROADCAST on a Udp listener is -EnableBroadcast.)" : string.Empty)
                : protocol.IsDatagram() && tls ? $"-Certificate and -CertificatePath make a TLS listener; TLS needs a stream (Tcp or UnixStream), and a {protocol} listener receives datagrams."
                : unix && AllowedClient != null ? "-AllowedClient filters clients by address; the clients of a Unix listener have none (use the socket file's permissions instead)."
                : (EnableBroadcast || MulticastGroup != null) && protocol != SocketProtocol.Udp ? "-EnableBroadcast and -MulticastGroup are for Udp listeners."
                : DualMode && LocalAddress == null ? "A dual-stack listener accepts IPv4 and IPv6 clients only on the wildcard address ::, which listens on every interface: name it with -LocalAddress :: -DualMode."
                : null;
            if (conflict != null)
            {
                ThrowTerminating(new SocketSessionException(ErrorIds.ConflictingParameters, conflict, protocol));
            }

            if (DualMode && (LocalAddress!.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || AddressFamily == IPFamily.IPv4))
            {
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    $"-DualMode makes an IPv6 socket that also accepts IPv4 clients; {LocalAddress} with -AddressFamily {AddressFamily} is not an IPv6 address. Use -LocalAddress ::.",
                    LocalAddress)));
                return false;
            }

            settings.Protocol = protocol;
            settings.DualMode = DualMode;
            settings.Broadcast = EnableBroadcast;
            settings.MulticastGroups = MulticastGroup ?? new IPAddress[0];
            return true;
        }

        /// <summary>The listener of the kind the settings name: TCP on <paramref name="address"/>, UDP, or Unix on -Path.</summary>
        private SocketSession CreateKindListener(SocketSettings settings, IPAddress address)
        {
            switch (settings.Protocol)
            {
                case SocketProtocol.Tcp:
                    return SocketSession.CreateListener(settings, Registry, new IPEndPoint(address, Port), Backlog);
                case SocketProtocol.Udp:
                    return SocketSession.CreateDatagramListener(settings, Registry, new IPEndPoint(DatagramAddress(), Port));
                default:
                    return SocketSession.CreateUnixListener(settings, Registry, GetUnresolvedProviderPathFromPSPath(Path), Backlog, MayRemoveStaleSocket);
            }
        }

        /// <summary>Loopback unless named; a multicast receiver must bind the wildcard address to see the group's datagrams.</summary>
        private IPAddress DatagramAddress()
        {
            if (LocalAddress != null)
            {
                return LocalAddress;
            }

            if (MulticastGroup != null)
            {
                return MulticastGroup.All(g => g.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) ? IPAddress.IPv6Any : IPAddress.Any;
            }

            return AddressFamily == IPFamily.IPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }
    }
}
