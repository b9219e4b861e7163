using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Makes a TCP client session, optionally bound to a local address and port.</summary>
    [Cmdlet(VerbsCommon.New, "Socket")]
    [OutputType(typeof(SocketSession))]
    public sealed class NewSocketCommand : SessionSettingsCmdlet
    {
        [Parameter]
        [ValidateSet("Tcp")]
        public string Protocol { get; set; } = "Tcp";

        /// <summary>Restricts the session to IPv4 or IPv6 addresses, as ncat's -4 and -6 do.</summary>
        [Parameter]
        public IPFamily AddressFamily { get; set; } = IPFamily.Any;

        [Parameter]
        public IPAddress? LocalAddress { get; set; }

        [Parameter]
        [ValidateRange(0, 65535)]
        public int LocalPort { get; set; }

        /// <summary>Default connect timeout of the session, in milliseconds; -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int ConnectTimeout { get; set; } = SocketSettings.DefaultConnectTimeout;

        protected override void EndProcessing()
        {
            var settings = new SocketSettings { Family = AddressFamily, ConnectTimeout = ConnectTimeout };
            ApplyBoundSettings(settings);

            IPEndPoint? local = null;
            if (LocalAddress != null || IsBound(nameof(LocalPort)))
            {
                IPAddress address = LocalAddress
                    ?? (AddressFamily == IPFamily.IPv6 ? IPAddress.IPv6Any : IPAddress.Any);
                local = new IPEndPoint(address, LocalPort);
            }

            SocketSession? session = null;
            if (TryRun(() => session = SocketSession.CreateClient(settings, Registry, local)))
            {
                WriteObject(session);
            }
        }
    }
}
