using System.Linq;
using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Proxies;
using PSSocket.Sessions;
using PSSocket.Threading;
using PSSocket.Tls;
using PSSocket.Tls.StartTls;

namespace PSSocket.Commands
{
    /// <summary>Connects a session to a host and port, trying each of the host's addresses within one timeout.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Socket", DefaultParameterSetName = NewSessionSet)]
    [OutputType(typeof(SocketSession))]
    public sealed class ConnectSocketCommand : SessionSettingsCmdlet, IDynamicParameters
    {
        private const string NewSessionSet = "NewSession";
        private const string SessionSet = "Session";
        private const string PathSet = "Path";
        private const string SessionPathSet = "SessionPath";
        private const string RawSet = "Raw";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = SessionSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = SessionPathSet)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession? Session { get; set; }

        /// <summary>The host to connect to; binds by property name, so CSV rows and Test-SocketPort results pipe in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NewSessionSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = RawSet)]
        [Alias("HostName", "Address", "CN")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = NewSessionSet)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = SessionSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The overall connect timeout in milliseconds (name resolution and every address tried); -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>Wraps the connection in TLS: SNI and the certificate's name are the host name (or -ServerName); the certificate is validated.</summary>
        [Parameter]
        [Alias("Tls")]
        public SwitchParameter UseTls { get; set; }

        /// <summary>
        /// Runs this protocol's STARTTLS dialogue (Smtp, Imap, Pop3, Ftp, Postgres, Ldap) after the connect, then the
        /// TLS handshake; implies -UseTls. The session then speaks TLS, past the protocol's upgrade.
        /// </summary>
        [Parameter(ParameterSetName = NewSessionSet)]
        [Parameter(ParameterSetName = SessionSet)]
        public StartTlsProtocol StartTls { get; set; }

        /// <summary>
        /// Returns the session at once, Connecting, while the connect goes on in the background; Wait-Socket -For
        /// Connect waits for it. A failed connect closes the session and sets its ConnectError.
        /// </summary>
        [Parameter(ParameterSetName = NewSessionSet)]
        public SwitchParameter NoWait { get; set; }

        /// <summary>The socket-kind and TLS parameters, declared once for the cmdlets that take them.</summary>
        private readonly SharedParameterValues _shared = new SharedParameterValues(
            new[]
            {
                SocketKindParameterCatalog.AddressFamily.In(NewSessionSet, RawSet),
                SocketKindParameterCatalog.Protocol.In(NewSessionSet, PathSet, RawSet),
                SocketKindParameterCatalog.IPProtocol.MandatoryIn(RawSet),
                SocketKindParameterCatalog.Broadcast.In(NewSessionSet),
                SocketKindParameterCatalog.Path.MandatoryIn(PathSet, SessionPathSet),
            }
            .Concat(TlsParameterCatalog.ClientIdentity())
            .Concat(TlsParameterCatalog.Trust)
            .Concat(new[] { TlsParameterCatalog.RevocationMode.Everywhere })
            .Concat(ProxyParameterCatalog.Everywhere));

        private IPFamily AddressFamily => _shared.Get(SocketKindParameterCatalog.AddressFamily, IPFamily.Any);

        private string? Path => _shared.Get<string?>(SocketKindParameterCatalog.Path, null);

        private SocketProtocol Protocol => _shared.Get(SocketKindParameterCatalog.Protocol, SocketProtocol.Tcp);

        private bool Broadcast => _shared.Switch(SocketKindParameterCatalog.Broadcast);

        private IPProtocol? IPProtocol => _shared.Get<IPProtocol?>(SocketKindParameterCatalog.IPProtocol, null);

        public object GetDynamicParameters() => _shared.Parameters;

        private TlsClientOptions? _tls;

        private ProxyEndPoint? _proxy;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                bool tls = UseTls || StartTls != StartTlsProtocol.Off;
                TlsParameters.RequireTls(this, tls, "-UseTls or -StartTls", TlsParameters.TlsOnly(_shared));
                if (tls)
                {
                    _tls = TlsParameters.Client(this, _shared);
                    _tls.StartTls = StartTls;
                }

                _proxy = ProxyParameterCatalog.From(_shared);
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
            }
        }

        protected override void ProcessRecord()
        {
            SocketSession session;
            bool madeHere = Session == null;
            if (madeHere)
            {
                var settings = new SocketSettings { Family = AddressFamily };
                ApplyBoundSettings(settings);
                session = NewSession(settings);
            }
            else
            {
                session = Session!;
                Enforce(OptionRules.ProxyUse, new OptionFacts(this) { Protocol = session.Protocol, Target = session });
                ApplyBoundSettings(session.Settings);
            }

            int timeout = IsBound(nameof(Timeout)) ? Timeout : session.ConnectTimeout;
            bool connected = false;
            ConnectTrace? trace = IsVerbose && !ToPath ? new ConnectTrace() : null;
            try
            {
                ConnectSession(session, timeout, trace);
                connected = true;
            }
            catch (SocketSessionException e)
            {
                Narrate(session, trace, false);
                // A session made here is closed again: the end point is the useful target, not a dead session.
                object target = madeHere && e.Target is SocketSession ? Destination : e.Target ?? session;
                WriteError(ErrorRecordFactory.From(new SocketSessionException(e.ErrorId, e.Message, target, e)));
            }
            catch (System.OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                if (!connected && madeHere)
                {
                    session.Close();
                }
            }

            if (connected)
            {
                Narrate(session, trace, true);
                WriteObject(session);
            }
        }

        /// <summary>-Verbose: the addresses resolved, each one tried with its result, and the connection made; -Debug: the options.</summary>
        private void Narrate(SocketSession session, ConnectTrace? trace, bool connected)
        {
            if (trace != null)
            {
                string proxy = _proxy == null ? string.Empty : $"the proxy {_proxy}: ";
                WriteVerbose($"Connect-Socket: {proxy}{_proxy?.Host ?? ComputerName} resolved to {(trace.Resolved.Count == 0 ? "no address" : string.Join(", ", trace.Resolved))}.");
                foreach ((System.Net.IPAddress address, string result, double ms) in trace.Attempts)
                {
                    WriteVerbose($"Connect-Socket: {proxy}{EndPoints.Format(address, _proxy?.Port ?? Port)}: {result} after {ms:0.0} ms.");
                }
            }

            if (connected && IsVerbose && session.State == SocketState.Connecting)
            {
                WriteVerbose($"Session {session.Id}: connecting to {ComputerName}:{Port} in the background (-NoWait); Wait-Socket -For Connect waits for it.");
            }
            else if (connected && IsVerbose)
            {
                string tls = session.Tls == null ? string.Empty : $"; TLS {session.Tls.Protocol} {session.Tls.CipherSuite}, peer {session.Tls.Subject ?? "without a certificate"}";
                string through = session.Proxy == null ? string.Empty : $" through the proxy {session.Proxy}";
                WriteVerbose($"Session {session.Id}: {session.Protocol} connected, {EndPoints.Format(session.LocalEndPoint)} -> {EndPoints.Format(session.RemoteEndPoint)}{through}{tls}.");
            }

            if (connected)
            {
                WriteOptionsDebug(session);
            }
        }

        private bool ToPath => ParameterSetName == PathSet || ParameterSetName == SessionPathSet;

        private string? _resolvedPath;

        /// <summary>What the connection was for: host:port, the host (Raw), or the socket path.</summary>
        private string Destination => ToPath ? ResolvedPath : ParameterSetName == RawSet ? ComputerName : $"{ComputerName}:{Port}";

        private string ResolvedPath => _resolvedPath ??= GetUnresolvedProviderPathFromPSPath(Path);

        private SocketSession NewSession(SocketSettings settings)
        {
            SocketProtocol protocol = IsBound(nameof(Protocol)) ? Protocol
                : ToPath ? SocketProtocol.UnixStream
                : IPProtocol != null ? SocketProtocol.Raw
                : SocketProtocol.Tcp;
            Enforce(OptionRules.ConnectSocketKind.Concat(OptionRules.ProxyUse), new OptionFacts(this) { Protocol = protocol, Tls = _tls != null, Target = protocol });

            settings.Protocol = protocol;
            settings.Broadcast = Broadcast;
            settings.IPProtocol = IPProtocol;
            return protocol.IsUnix()
                ? SessionFactory.Create(SocketRole.Client, settings, Registry, null)
                : SessionFactory.Create(SocketRole.Client, settings, Registry, null);
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
                session.StreamFor("start TLS on");
            }

            if (ToPath)
            {
                Deadline deadline = Deadline.After(timeout);
                session.ConnectPath(ResolvedPath, timeout, StopToken);
                if (_tls != null)
                {
                    session.Stream.StartTls(_tls, deadline.RemainingMilliseconds, false, StopToken, afterPlaintext: false);
                }
            }
            else if (NoWait)
            {
                session.BeginConnect(ComputerName, Port, timeout);
            }
            else
            {
                session.Connect(new ConnectRequest(ComputerName, Port, timeout, StopToken) { Tls = _tls, Trace = trace, Proxy = _proxy });
            }
        }
    }
}
