using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PSSocket.Binding;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Makes a client session (TCP, UDP, Unix stream, Unix datagram or raw IP), optionally bound to a local address and port or a local socket path.</summary>
    [Cmdlet(VerbsCommon.New, "Socket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SocketSession))]
    public sealed class NewSocketCommand : SessionSettingsCmdlet, IDynamicParameters
    {
        [Parameter]
        [ValidateRange(0, 65535)]
        public int LocalPort { get; set; }

        /// <summary>Unix sessions: the socket path to bind, so peers can answer (Unix datagram) or see who connected.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LocalPath { get; set; }

        /// <summary>Default connect timeout of the session, in milliseconds; -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int ConnectTimeout { get; set; } = SocketSettings.DefaultConnectTimeout;

        /// <summary>The socket-kind parameters, declared once for the cmdlets that take them.</summary>
        private readonly SharedParameterValues _shared = new SharedParameterValues(
            SocketKindParameterCatalog.Protocol.Everywhere,
            SocketKindParameterCatalog.AddressFamily.Everywhere,
            SocketKindParameterCatalog.LocalAddress.Everywhere,
            SocketKindParameterCatalog.Broadcast.Everywhere,
            SocketKindParameterCatalog.IPProtocol.Everywhere);

        /// <summary>Tcp unless named; Raw when only -IPProtocol is given.</summary>
        private SocketProtocol Protocol => _shared.Get(
            SocketKindParameterCatalog.Protocol, _shared.IsBound(SocketKindParameterCatalog.IPProtocol) ? SocketProtocol.Raw : SocketProtocol.Tcp);

        private IPProtocol? IPProtocol => _shared.Get<IPProtocol?>(SocketKindParameterCatalog.IPProtocol, null);

        private IPFamily AddressFamily => _shared.Get(SocketKindParameterCatalog.AddressFamily, IPFamily.Any);

        private IPAddress? LocalAddress => _shared.Get<IPAddress?>(SocketKindParameterCatalog.LocalAddress, null);

        private bool Broadcast => _shared.Switch(SocketKindParameterCatalog.Broadcast);

        public object GetDynamicParameters() => _shared.Parameters;

        protected override void EndProcessing()
        {
            Enforce(OptionRules.NewSocketKind, new OptionFacts(this) { Protocol = Protocol, Target = Protocol });
            bool unix = Protocol.IsUnix();

            var settings = new SocketSettings { Protocol = Protocol, Family = AddressFamily, ConnectTimeout = ConnectTimeout, Broadcast = Broadcast, IPProtocol = IPProtocol };
            ApplyBoundSettings(settings);

            SocketSession? session = null;
            if (unix)
            {
                string? path = LocalPath == null ? null : GetUnresolvedProviderPathFromPSPath(LocalPath);
                if (TryRun(() => session = SessionFactory.Create(SocketRole.Client, settings, Registry, path == null ? null : SessionAddress.UnixPath(path, MayRemoveStaleSocket))))
                {
                    Narrate(session!);
                    WriteObject(session);
                }

                return;
            }

            IPEndPoint? local = null;
            if (LocalAddress != null || IsBound(nameof(LocalPort)))
            {
                IPAddress address = LocalAddress
                    ?? (AddressFamily == IPFamily.IPv6 ? IPAddress.IPv6Any : IPAddress.Any);
                local = new IPEndPoint(address, LocalPort);
            }

            if (TryRun(() => session = SessionFactory.Create(SocketRole.Client, settings, Registry, local == null ? null : SessionAddress.Ip(local))))
            {
                Narrate(session!);
                WriteObject(session);
            }
        }

        private void Narrate(SocketSession session)
        {
            if (IsVerbose)
            {
                string bound = session.LocalEndPoint == null ? "unbound" : "bound to " + EndPoints.Format(session.LocalEndPoint);
                WriteVerbose($"Session {session.Id}: new {session.Protocol} client, {bound}.");
            }

            WriteOptionsDebug(session);
        }
    }
}
