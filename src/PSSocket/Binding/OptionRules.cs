using System.Collections.Generic;
using System.Linq;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>
    /// The table of options that clash or need each other, one group per place a cmdlet checks them, each rule with
    /// its error id, its message and command lines that break it. <see cref="Check"/> is the engine: the first
    /// broken rule of a group stops the command. Examples use $s, a session the rules' test makes.
    /// </summary>
    internal static class OptionRules
    {
        private const string Conflict = ErrorIds.ConflictingParameters;
        private const string ACredential = "([pscredential]::new('user', [System.Security.SecureString]::new()))";
        private const string AnX509 = "([System.Security.Cryptography.X509Certificates.X509Certificate2]::new())";

        /// <summary>SO_BROADCAST on a session that is not Udp (New-Socket, Connect-Socket).</summary>
        private static readonly OptionRule BroadcastNeedsUdp = new OptionRule(
            "BroadcastNeedsUdp",
            Conflict,
            f => f.Given("Broadcast") && f.Protocol != SocketProtocol.Udp,
            f => $"-Broadcast is for Udp sessions, not {f.Protocol}.",
            new[] { "Connect-Socket 127.0.0.1 1 -Broadcast", "New-Socket -Broadcast" });

        /// <summary>A Raw session without its IP protocol (New-Socket, Connect-Socket).</summary>
        private static readonly OptionRule RawNeedsIPProtocol = new OptionRule(
            "RawNeedsIPProtocol",
            Conflict,
            f => f.Protocol == SocketProtocol.Raw && !f.Given("IPProtocol"),
            f => "A Raw session needs its IP protocol: add -IPProtocol (Icmp, IcmpV6, another name, or a number from 0 to 255).",
            new[] { "New-Socket -Protocol Raw", "Connect-Socket 127.0.0.1 1 -Protocol Raw" });

        /// <summary>An IP protocol for a session that is not Raw (New-Socket, Connect-Socket).</summary>
        private static readonly OptionRule IPProtocolNeedsRaw = new OptionRule(
            "IPProtocolNeedsRaw",
            Conflict,
            f => f.Given("IPProtocol") && f.Protocol != SocketProtocol.Raw,
            f => $"-IPProtocol chooses the IP protocol of a Raw session; a {f.Protocol} session has its own. Use -Protocol Raw, or leave -IPProtocol out.",
            new[] { "New-Socket -Protocol Udp -IPProtocol Icmp", "Connect-Socket 127.0.0.1 -IPProtocol Icmp -Protocol Tcp" });

        /// <summary>A port for a Raw session, which sends and receives whole IP payloads (New-Socket, Connect-Socket, Send-SocketData).</summary>
        private static readonly OptionRule RawHasNoPort = new OptionRule(
            "RawHasNoPort",
            Conflict,
            f => f.Protocol == SocketProtocol.Raw && f.AnyGiven("Port", "LocalPort"),
            f => $"IP has no ports: a Raw session sends and receives whole IP payloads of its protocol. Leave out -{string.Join(" and -", f.GivenOf(new[] { "Port", "LocalPort" }))}.",
            new[]
            {
                "New-Socket -IPProtocol Icmp -LocalPort 5000",
                "$r = New-Socket -IPProtocol Icmp; Send-SocketData -Session $r -Data x -ComputerName localhost -Port 9; $r | Close-Socket",
            });

        /// <summary>TLS-only parameters without TLS asked for (Connect-Socket, Test-SocketPort, Start-SocketListener).</summary>
        public static readonly OptionRule[] TlsRequired =
        {
            new OptionRule(
                "TlsOnlyParametersNeedTls",
                ErrorIds.TlsNotRequested,
                f => !f.Tls && f.GivenOf(f.TlsOnly).Length > 0,
                f => $"-{string.Join(", -", f.GivenOf(f.TlsOnly))} {(f.GivenOf(f.TlsOnly).Length == 1 ? "applies" : "apply")} only to TLS; add {f.TlsRequest}.",
                new[] { "Connect-Socket 127.0.0.1 1 -SkipCertificateCheck", "Test-SocketPort 127.0.0.1 1 -ServerName example.org", "Start-SocketListener -RequireClientCertificate" },
                f => f.GivenOf(f.TlsOnly).First()),
        };

        /// <summary>The client's certificate, given twice (Connect-Socket, Start-SocketTls).</summary>
        public static readonly OptionRule[] TlsClientIdentity =
        {
            new OptionRule(
                "OneClientCertificate",
                Conflict,
                f => f.Given("ClientCertificate") && f.Given("ClientCertificatePath"),
                f => "Give the client certificate either as -ClientCertificate or as -ClientCertificatePath, not both.",
                new[] { $"Connect-Socket 127.0.0.1 1 -UseTls -ClientCertificate {AnX509} -ClientCertificatePath ./none.pfx", $"Start-SocketTls -Session $s -ClientCertificate {AnX509} -ClientCertificatePath ./none.pfx" }),
        };

        /// <summary>The server's certificate, given twice (Start-SocketListener; Start-SocketTls has a parameter set for each).</summary>
        public static readonly OptionRule[] TlsServerIdentity =
        {
            new OptionRule(
                "OneServerCertificate",
                Conflict,
                f => f.Given("Certificate") && f.Given("CertificatePath"),
                f => "Give the server certificate either as -Certificate or as -CertificatePath, not both.",
                new[] { $"Start-SocketListener -Certificate {AnX509} -CertificatePath ./none.pfx" }),
        };

        /// <summary>Connect-Socket, for a session it makes: the kind of socket against the destination and TLS.</summary>
        public static readonly OptionRule[] ConnectSocketKind =
        {
            new OptionRule(
                "ConnectPathNeedsUnixProtocol",
                Conflict,
                f => f.Given("Path") && !f.Protocol.IsUnix(),
                f => $"-Path connects to a Unix domain socket: use -Protocol UnixStream or UnixDatagram, not {f.Protocol}.",
                new[] { "Connect-Socket -Path ./none.sock -Protocol Tcp" }),
            new OptionRule(
                "ConnectUnixProtocolNeedsPath",
                Conflict,
                f => !f.Given("Path") && f.Protocol.IsUnix(),
                f => $"A {f.Protocol} session connects to a socket path: use -Path instead of -ComputerName and -Port.",
                new[] { "Connect-Socket 127.0.0.1 1 -Protocol UnixStream" }),
            BroadcastNeedsUdp,
            RawNeedsIPProtocol,
            IPProtocolNeedsRaw,
            RawHasNoPort,
            new OptionRule(
                "ConnectTlsNeedsStream",
                Conflict,
                f => f.Tls && f.Protocol.IsDatagram(),
                f => $"-UseTls needs a stream session (Tcp or UnixStream); a {f.Protocol} session sends datagrams, which TLS does not carry.",
                new[] { "Connect-Socket 127.0.0.1 1 -Protocol Udp -UseTls", "Connect-Socket 127.0.0.1 -IPProtocol Icmp -UseTls" }),
            new OptionRule(
                "ConnectNoWaitIsPlaintext",
                Conflict,
                f => f.Tls && f.Given("NoWait"),
                f => "-NoWait connects in the background without TLS: connect with -NoWait, wait with Wait-Socket -For Connect, then upgrade with Start-SocketTls; or drop -NoWait.",
                new[] { "Connect-Socket 127.0.0.1 1 -NoWait -UseTls", "Connect-Socket 127.0.0.1 1 -NoWait -StartTls Smtp" }),
        };

        /// <summary>Connect-Socket and Test-SocketPort: a proxy carries a TCP connection, and a proxy credential needs a proxy.</summary>
        public static readonly OptionRule[] ProxyUse =
        {
            new OptionRule(
                "ProxyNeedsTcp",
                Conflict,
                f => f.Given("Proxy") && f.Protocol != SocketProtocol.Tcp,
                f => $"-Proxy tunnels a TCP connection through a SOCKS5 or HTTP proxy; a {f.Protocol} session{(f.Given("Path") ? " to a socket path" : string.Empty)} cannot go through one.",
                new[] { "Connect-Socket 127.0.0.1 1 -Protocol Udp -Proxy socks5://127.0.0.1:1", "Connect-Socket -Path ./none.sock -Proxy socks5://127.0.0.1:1" }),
            new OptionRule(
                "ProxyCredentialNeedsProxy",
                Conflict,
                f => f.Given("ProxyCredential") && !f.Given("Proxy"),
                f => "-ProxyCredential is offered to the proxy named by -Proxy; add -Proxy.",
                new[] { $"Connect-Socket 127.0.0.1 1 -ProxyCredential {ACredential}", $"Test-SocketPort 127.0.0.1 1 -ProxyCredential {ACredential}" }),
        };

        /// <summary>New-Socket: the kind of socket against its local address.</summary>
        public static readonly OptionRule[] NewSocketKind =
        {
            new OptionRule(
                "NewUnixSocketHasNoAddress",
                Conflict,
                f => f.Protocol.IsUnix() && f.AnyGiven("LocalAddress", "LocalPort", "AddressFamily"),
                f => $"A {f.Protocol} session has a socket path, not an address family, address or port: use -LocalPath.",
                new[] { "New-Socket -Protocol UnixStream -LocalPort 5000" }),
            new OptionRule(
                "NewLocalPathNeedsUnix",
                Conflict,
                f => !f.Protocol.IsUnix() && f.Given("LocalPath"),
                f => $"-LocalPath binds a socket path; it is for UnixStream and UnixDatagram sessions, not {f.Protocol}.",
                new[] { "New-Socket -LocalPath ./none.sock" }),
            BroadcastNeedsUdp,
            RawNeedsIPProtocol,
            IPProtocolNeedsRaw,
            RawHasNoPort,
        };

        /// <summary>Start-SocketListener's EchoOrBroadcast parameter set: one of the two switches, and -QuitWord only with -Broadcast.</summary>
        public static readonly OptionRule[] ListenerRelayMode =
        {
            new OptionRule(
                "ListenerOneRelayMode",
                Conflict,
                f => f.ParameterSet == "EchoOrBroadcast" && f.Given("Echo") && f.Given("Broadcast"),
                f => "-Echo and -Broadcast are two server modes: give one.",
                new[] { "Start-SocketListener -Echo -Broadcast" }),
            new OptionRule(
                "ListenerServerOptionsNeedMode",
                Conflict,
                f => f.ParameterSet == "EchoOrBroadcast" && !f.Given("Echo") && !f.Given("Broadcast"),
                f => "-MaxConnections, -AllowedClient, -AsJob and -JobName go with a server mode: add -Echo, -Broadcast, -Greeting or -ScriptBlock.",
                new[] { "Start-SocketListener -MaxConnections 2", "Start-SocketListener -AsJob" }),
            new OptionRule(
                "ListenerQuitWordNeedsBroadcast",
                Conflict,
                f => f.ParameterSet == "EchoOrBroadcast" && f.Given("Echo") && f.Given("QuitWord"),
                f => "-QuitWord goes with -Broadcast, not -Echo.",
                new[] { "Start-SocketListener -Echo -QuitWord bye" }),
        };

        /// <summary>Start-SocketListener -ForwardTo: the TLS options towards the target go with -ForwardUseTls.</summary>
        public static readonly OptionRule[] ListenerForward =
        {
            new OptionRule(
                "ListenerForwardTlsOptionsNeedUseTls",
                Conflict,
                f => f.ParameterSet == "Forward" && !f.Given("ForwardUseTls") && f.AnyGiven("ForwardServerName", "ForwardTrustedCertificate", "ForwardSkipCertificateCheck"),
                f => "-ForwardServerName, -ForwardTrustedCertificate and -ForwardSkipCertificateCheck set up TLS towards the target: add -ForwardUseTls.",
                new[] { "Start-SocketListener -ForwardTo localhost:443 -ForwardServerName example.test" }),
        };

        /// <summary>Start-SocketListener: the kind of socket against addresses, server modes and TLS, before anything is bound.</summary>
        public static readonly OptionRule[] ListenerKind =
        {
            new OptionRule(
                "ListenerRawNotSupported",
                Conflict,
                f => f.Protocol == SocketProtocol.Raw,
                f => "A Raw socket has no connections to accept and no port to listen on: make one with New-Socket -Protocol Raw -IPProtocol (bound with -LocalAddress) and read what arrives with Receive-SocketData.",
                new[] { "Start-SocketListener -Protocol Raw", "Start-SocketListener -Protocol Raw -Echo" }),
            new OptionRule(
                "ListenerPathNeedsUnixProtocol",
                Conflict,
                f => f.Given("Path") && !f.Protocol.IsUnix(),
                f => $"-Path makes a Unix domain socket listener: use -Protocol UnixStream or UnixDatagram, not {f.Protocol}.",
                new[] { "Start-SocketListener -Path ./none.sock -Protocol Udp" }),
            new OptionRule(
                "ListenerUnixProtocolNeedsPath",
                Conflict,
                f => f.Protocol.IsUnix() && !f.Given("Path"),
                f => $"A {f.Protocol} listener needs a socket path: give -Path.",
                new[] { "Start-SocketListener -Protocol UnixDatagram" }),
            new OptionRule(
                "ListenerUnixHasNoAddress",
                Conflict,
                f => f.Protocol.IsUnix() && f.AnyGiven("Port", "LocalAddress", "AddressFamily", "DualMode", "MulticastGroup", "EnableBroadcast"),
                f => "A Unix listener has a socket path, not an address family, address or port: leave out -Port, -LocalAddress, -AddressFamily, -DualMode, -MulticastGroup and -EnableBroadcast.",
                new[] { "Start-SocketListener -Path ./none.sock -Port 5000", "Start-SocketListener -Path ./none.sock -EnableBroadcast" }),
            new OptionRule(
                "ListenerDatagramHasNoBacklog",
                Conflict,
                f => f.Protocol.IsDatagram() && f.Given("Backlog"),
                f => "-Backlog is the queue of connections to accept; a datagram listener has none.",
                new[] { "Start-SocketListener -Protocol Udp -Backlog 5" }),
            new OptionRule(
                "ListenerDatagramServesNoConnections",
                Conflict,
                f => f.Protocol.IsDatagram() && f.Mode != null && !(f.Mode == "ForwardTo" && f.Protocol == SocketProtocol.Udp), // a UDP relay forwards datagrams
                f => $"-{f.Mode} serves connections; a {f.Protocol} listener receives datagrams and has none. Use a Tcp or UnixStream listener, or receive the datagrams with Receive-SocketData."
                    + (f.Mode == "Broadcast" ? " (-Broadcast here is the chat server; SO_BROADCAST on a Udp listener is -EnableBroadcast.)" : string.Empty),
                new[] { "Start-SocketListener -Protocol Udp -Echo", "Start-SocketListener -Protocol Udp -Broadcast", "Start-SocketListener -Path ./none.sock -Protocol UnixDatagram -Greeting hi" }),
            new OptionRule(
                "ListenerDatagramHasNoTls",
                Conflict,
                f => f.Protocol.IsDatagram() && f.Tls,
                f => $"-Certificate and -CertificatePath make a TLS listener; TLS needs a stream (Tcp or UnixStream), and a {f.Protocol} listener receives datagrams.",
                new[] { "Start-SocketListener -Protocol Udp -CertificatePath ./none.pfx" }),
            new OptionRule(
                "ListenerUnixClientsHaveNoAddress",
                Conflict,
                f => f.Protocol.IsUnix() && f.Given("AllowedClient"),
                f => "-AllowedClient filters clients by address; the clients of a Unix listener have none (use the socket file's permissions instead).",
                new[] { "Start-SocketListener -Path ./none.sock -Echo -AllowedClient 127.0.0.1" }),
            new OptionRule(
                "ListenerBroadcastAndMulticastNeedUdp",
                Conflict,
                f => f.AnyGiven("EnableBroadcast", "MulticastGroup") && f.Protocol != SocketProtocol.Udp,
                f => "-EnableBroadcast and -MulticastGroup are for Udp listeners.",
                new[] { "Start-SocketListener -EnableBroadcast", "Start-SocketListener -MulticastGroup 239.1.2.3" }),
            new OptionRule(
                "ListenerDualModeNeedsWildcard",
                Conflict,
                f => f.Given("DualMode") && !f.Given("LocalAddress"),
                f => "A dual-stack listener accepts IPv4 and IPv6 clients only on the wildcard address ::, which listens on every interface: name it with -LocalAddress :: -DualMode.",
                new[] { "Start-SocketListener -DualMode" }),
        };

        /// <summary>Receive-SocketData: one framing, and the options that go with it (-OutFile's own parameter set keeps -Line, -Delimiter and -MaxLength away).</summary>
        public static readonly OptionRule[] ReceiveFraming =
        {
            new OptionRule(
                "ReceiveOneFraming",
                Conflict,
                f => f.CountGiven("Count", "Line", "Delimiter", "ToEnd") > 1,
                f => "Give one framing: -Count, -Line, -Delimiter or -ToEnd.",
                new[] { "Receive-SocketData -Session $s -Line -ToEnd", "Receive-SocketData -Session $s -Count 4 -Delimiter ';'" }),
            new OptionRule(
                "ReceiveToEndDoesNotStream",
                Conflict,
                f => f.Given("ToEnd") && f.AnyGiven("Stream", "Duration"),
                f => "-ToEnd returns everything at once; -Stream and -Duration write records as they arrive. Use one.",
                new[] { "Receive-SocketData -Session $s -ToEnd -Stream", "Receive-SocketData -Session $s -ToEnd -Duration 10" }),
            new OptionRule(
                "ReceiveMaxCountNeedsStream",
                Conflict,
                f => f.Given("MaxCount") && !f.AnyGiven("Stream", "Duration"),
                f => "-MaxCount limits the records of -Stream; add -Stream or leave -MaxCount out.",
                new[] { "Receive-SocketData -Session $s -Line -MaxCount 2" }),
            new OptionRule(
                "ReceiveMaxLengthNeedsFraming",
                Conflict,
                f => f.Given("MaxLength") && !f.AnyGiven("Line", "Delimiter", "ToEnd"),
                f => "-MaxLength limits what -Line, -Delimiter and -ToEnd hold in memory; -OutFile has no limit.",
                new[] { "Receive-SocketData -Session $s -MaxLength 10", "Receive-SocketData -Session $s -Count 4 -MaxLength 10" }),
        };

        /// <summary>Send-SocketData, for each session: a datagram's destination, given once (a Raw session's has no port).</summary>
        public static readonly OptionRule[] SendDestination =
        {
            RawHasNoPort,
            new OptionRule(
                "SendComputerNameAndPortTogether",
                Conflict,
                f => f.Given("Port") ? !f.Given("ComputerName") : f.Given("ComputerName") && f.Protocol != SocketProtocol.Raw,
                f => "-ComputerName and -Port go together: give both, or -RemoteEndPoint. (A Raw session takes -ComputerName alone.)",
                new[] { "Send-SocketData -Session $s -Data x -ComputerName localhost", "Send-SocketData -Session $s -Data x -Port 9" }),
            new OptionRule(
                "SendOneDestination",
                Conflict,
                f => f.Given("ComputerName") && f.Given("RemoteEndPoint"),
                f => "Give the destination once: -RemoteEndPoint, or -ComputerName and -Port.",
                new[] { "Send-SocketData -Session $s -Data x -ComputerName localhost -Port 9 -RemoteEndPoint 127.0.0.1:9" }),
        };

        /// <summary>New-SocketFault and Set-SocketFault: one kind of stall at a time.</summary>
        public static readonly OptionRule[] FaultValues =
        {
            new OptionRule(
                "FaultOneStall",
                Conflict,
                f => f.Given("Stall") && f.Given("StallDuration"),
                f => "Give -Stall (held until lifted) or -StallDuration (held for a time), not both.",
                new[] { "New-SocketFault -Stall -StallDuration 100", "Set-SocketFault (New-SocketFault) -Stall -StallDuration 100" }),
        };

        /// <summary>Every rule, for the test that walks the table.</summary>
        public static IEnumerable<OptionRule> All =>
            TlsRequired.Concat(TlsClientIdentity).Concat(TlsServerIdentity).Concat(ConnectSocketKind).Concat(ProxyUse).Concat(NewSocketKind)
                .Concat(ListenerRelayMode).Concat(ListenerForward).Concat(ListenerKind).Concat(ReceiveFraming).Concat(SendDestination).Concat(FaultValues).Distinct();

        /// <summary>The engine: the first rule of <paramref name="rules"/> that <paramref name="facts"/> break stops the command.</summary>
        public static void Check(IEnumerable<OptionRule> rules, OptionFacts facts)
        {
            OptionRule? broken = rules.FirstOrDefault(rule => rule.IsBrokenBy(facts));
            if (broken != null)
            {
                throw broken.Error(facts);
            }
        }
    }
}
