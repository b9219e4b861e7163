using System;
using System.Management.Automation;
using System.Net;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>
    /// The parameters that choose the kind of socket and where it is, declared once for New-Socket, Connect-Socket,
    /// Start-SocketListener and Test-SocketPort. Their help is written once, in docs/en-US/shared/SharedParameters.md.
    /// </summary>
    internal static class SocketKindParameterCatalog
    {
        public static readonly SharedParameter Protocol = new SharedParameter(nameof(Protocol), typeof(SocketProtocol));

        public static readonly SharedParameter AddressFamily = new SharedParameter(nameof(AddressFamily), typeof(IPFamily));

        public static readonly SharedParameter LocalAddress = new SharedParameter(nameof(LocalAddress), typeof(IPAddress));

        /// <summary>A Unix domain socket's path (Connect-Socket, Start-SocketListener).</summary>
        public static readonly SharedParameter Path = new SharedParameter(nameof(Path), typeof(string), new string[0], () => new Attribute[] { new ValidateNotNullOrEmptyAttribute() });

        /// <summary>SO_BROADCAST on a Udp session (New-Socket, Connect-Socket; Start-SocketListener's -Broadcast is its chat server, so it calls this -EnableBroadcast).</summary>
        /// <summary>A Raw session's IP protocol, by keyword or number (New-Socket, Connect-Socket).</summary>
        public static readonly SharedParameter IPProtocol = new SharedParameter(
            nameof(IPProtocol),
            typeof(IPProtocol),
            new string[0],
            () => new Attribute[] { new IPProtocolTransformationAttribute(), new ArgumentCompleterAttribute(typeof(IPProtocolCompleter)) });

        public static readonly SharedParameter Broadcast = new SharedParameter(nameof(Broadcast), typeof(SwitchParameter));
    }
}
