using System.Management.Automation;
using System.Net;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Binds and listens on a TCP port (loopback unless an address is named) and returns the listener at once.</summary>
    [Cmdlet(VerbsLifecycle.Start, "SocketListener")]
    [OutputType(typeof(SocketSession))]
    public sealed partial class StartSocketListenerCommand : SessionSettingsCmdlet
    {
        public const int DefaultBacklog = 4096;

        /// <summary>The port to listen on; 0 (the default) lets the system pick a free one, shown on the session.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>The address to bind; 127.0.0.1 (or ::1 with -AddressFamily IPv6) unless named. Use 0.0.0.0 or :: for every interface.</summary>
        [Parameter]
        public IPAddress? LocalAddress { get; set; }

        [Parameter]
        public IPFamily AddressFamily { get; set; } = IPFamily.Any;

        /// <summary>How many connections may wait to be accepted. A small backlog makes clients wait for SYN retries under load.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Backlog { get; set; } = DefaultBacklog;

        protected override void EndProcessing()
        {
            IPAddress address = LocalAddress ?? (AddressFamily == IPFamily.IPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
            var settings = new SocketSettings { Family = AddressFamily };
            ApplyBoundSettings(settings);
            if (StartOtherKind(settings))
            {
                return;
            }

            SocketSession? listener = null;
            if (TryRun(() => listener = SocketSession.CreateListener(settings, Registry, new IPEndPoint(address, Port), Backlog)))
            {
                WriteObject(listener);
            }
        }
    }
}
