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

        /// <summary>Udp: allows sending (answering) to broadcast addresses (SO_BROADCAST).</summary>
        [Parameter]
        public SwitchParameter Broadcast { get; set; }

        /// <summary>Starts what is not a plain TCP listener; false leaves a TCP listener (with the options set here) to the caller.</summary>
        private bool StartOtherKind(SocketSettings settings)
        {
            SocketProtocol protocol = IsBound(nameof(Protocol)) ? Protocol : Path != null ? SocketProtocol.UnixStream : SocketProtocol.Tcp;
            bool unix = protocol.IsUnix();
            bool ipOptions = IsBound(nameof(Port)) || LocalAddress != null || IsBound(nameof(AddressFamily)) || DualMode || MulticastGroup != null;
            string? conflict = Path != null && !unix ? $"-Path makes a Unix domain socket listener: use -Protocol UnixStream or UnixDatagram, not {protocol}."
                : unix && Path == null ? $"A {protocol} listener needs a socket path: give -Path."
                : unix && (ipOptions || Broadcast) ? "A Unix listener has a socket path, not an address family, address or port: leave out -Port, -LocalAddress, -AddressFamily, -DualMode, -MulticastGroup and -Broadcast."
                : protocol.IsDatagram() && IsBound(nameof(Backlog)) ? "-Backlog is the queue of connections to accept; a datagram listener has none."
                : (Broadcast || MulticastGroup != null) && protocol != SocketProtocol.Udp ? "-Broadcast and -MulticastGroup are for Udp listeners."
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
                return true;
            }

            settings.Protocol = protocol;
            settings.DualMode = DualMode;
            settings.Broadcast = Broadcast;
            settings.MulticastGroups = MulticastGroup ?? new IPAddress[0];
            if (protocol == SocketProtocol.Tcp)
            {
                return false;
            }

            SocketSession? listener = null;
            bool started = unix
                ? TryRun(() => listener = SocketSession.CreateUnixListener(settings, Registry, GetUnresolvedProviderPathFromPSPath(Path), Backlog))
                : TryRun(() => listener = SocketSession.CreateDatagramListener(settings, Registry, new IPEndPoint(DatagramAddress(), Port)));
            if (started)
            {
                WriteObject(listener);
            }

            return true;
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
