using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Hosting;
using PSSocket.Relays;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Text;
using PSSocket.Tls;

namespace PSSocket.Commands
{
    /// <summary>
    /// Binds and listens on a TCP port (loopback unless an address is named) and returns the listener at once; with
    /// -Echo, -Greeting, -Broadcast or -ScriptBlock it also serves clients in the background, reporting through a job.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "SocketListener", DefaultParameterSetName = ListenSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SocketSession))]
    [OutputType(typeof(SocketListenerJob), ParameterSetName = new[] { RelaySet, GreetingSet, ScriptBlockSet, ForwardSet })]
    [OutputType(typeof(Relays.RelayConnectionSummary), ParameterSetName = new[] { ForwardSet })]
    public sealed class StartSocketListenerCommand : SessionSettingsCmdlet, IDynamicParameters
    {
        public const int DefaultBacklog = 4096;
        public const int DefaultThrottleLimit = 8;
        // A plain listener (accept with Wait-SocketConnection), or a background server in one of four modes.
        private const string ListenSet = "Listen";
        /// <summary>Echo or Broadcast: the two modes that differ only by their switch share one set.</summary>
        private const string RelaySet = "EchoOrBroadcast";
        private const string GreetingSet = "Greeting";
        private const string ScriptBlockSet = "ScriptBlock";
        private const string ForwardSet = "Forward";

        /// <summary>The port to listen on; 0 (the default) lets the system pick a free one, shown on the session.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>How many connections may wait to be accepted. A small backlog makes clients wait for SYN retries under load.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Backlog { get; set; } = DefaultBacklog;

        /// <summary>Echo mode: a background server that sends every connection's bytes back until the client closes.</summary>
        [Parameter(ParameterSetName = RelaySet)]
        public SwitchParameter Echo { get; set; }

        /// <summary>Greeting mode: text (in the listener's encoding) or bytes sent to each client on accept, before the connection is closed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = GreetingSet)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public object? Greeting { get; set; }

        /// <summary>Greeting mode: keep each connection open after the greeting; it is written to the job's output for a script to use.</summary>
        [Parameter(ParameterSetName = GreetingSet)]
        public SwitchParameter KeepOpen { get; set; }

        /// <summary>Broadcast mode: a chat broker relaying each client's lines to every other client.</summary>
        [Parameter(ParameterSetName = RelaySet)]
        public SwitchParameter Broadcast { get; set; }

        /// <summary>Broadcast mode: a client that sends this word alone on a line gets a farewell and is disconnected.</summary>
        [Parameter(ParameterSetName = RelaySet)]
        [ValidateNotNullOrEmpty]
        public string QuitWord { get; set; } = BroadcastHandler.DefaultQuitWord;

        /// <summary>Script-block mode: runs once per connection, in a runspace pool, with the connection's session as the first argument.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <summary>Script-block mode: values passed to the script block after the session.</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        public object[]? ArgumentList { get; set; }

        /// <summary>Script-block mode: variables (name = value) set in every runspace that runs the script block.</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        public Hashtable? Variable { get; set; }

        /// <summary>Script-block mode: how many handlers run at once; further connections wait in a queue.</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>Script-block mode: milliseconds one handler may run before it is stopped and its connection closed; -1 without limit.</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(-1, int.MaxValue)]
        public int HandlerTimeout { get; set; } = -1;

        /// <summary>Script-block mode: connections that have sent data and may wait for a free handler; more are closed unserved (QueueRefused).</summary>
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(0, int.MaxValue)]
        public int QueueLimit { get; set; } = ScriptHandler.DefaultQueueLimit;

        /// <summary>
        /// Relay mode: forwards each connection to this target, a host and port (db.internal:5432, 10.0.0.5:80,
        /// [::1]:6379) or a Unix stream socket path (anything with a slash), and copies bytes both ways.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ForwardSet)]
        [EndPointTransformation]
        [ValidateNotNull]
        public EndPoint? ForwardTo { get; set; }

        /// <summary>Relay mode: speak TLS to the target, validating its certificate against the name given in -ForwardTo (or -ForwardServerName).</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        public SwitchParameter ForwardUseTls { get; set; }

        /// <summary>Relay mode with -ForwardUseTls: the name sent as SNI and checked against the target's certificate (needed for a Unix socket target or an address).</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        [ValidateNotNullOrEmpty]
        public string? ForwardServerName { get; set; }

        /// <summary>Relay mode with -ForwardUseTls: certificates (a private CA, a self-signed server) trusted as roots for the target's certificate.</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        [ValidateNotNullOrEmpty]
        public X509Certificate2[]? ForwardTrustedCertificate { get; set; }

        /// <summary>Relay mode with -ForwardUseTls: accept any certificate from the target. Only for tests; the connection can be intercepted.</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        public SwitchParameter ForwardSkipCertificateCheck { get; set; }

        /// <summary>Relay mode: write no per-connection summary objects to the job's output.</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        public SwitchParameter NoSummary { get; set; }

        /// <summary>Server modes: connections beyond this many open ones are refused (accepted and closed at once, and counted).</summary>
        [Parameter(ParameterSetName = RelaySet)]
        [Parameter(ParameterSetName = GreetingSet)]
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [Parameter(ParameterSetName = ForwardSet)]
        [ValidateRange(1, int.MaxValue)]
        public int MaxConnections { get; set; }

        /// <summary>Server modes: only clients from these addresses or CIDR subnets are served; others are refused and counted.</summary>
        [Parameter(ParameterSetName = RelaySet)]
        [Parameter(ParameterSetName = GreetingSet)]
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [Parameter(ParameterSetName = ForwardSet)]
        [ValidateNotNullOrEmpty]
        public string[]? AllowedClient { get; set; }

        /// <summary>Server modes: write the server's job instead of the listener.</summary>
        [Parameter(ParameterSetName = RelaySet)]
        [Parameter(ParameterSetName = GreetingSet)]
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [Parameter(ParameterSetName = ForwardSet)]
        public SwitchParameter AsJob { get; set; }

        /// <summary>Server modes: the job's name; default: the mode, "Server" and the listener's Id, as in EchoServer3.</summary>
        [Parameter(ParameterSetName = RelaySet)]
        [Parameter(ParameterSetName = GreetingSet)]
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [Parameter(ParameterSetName = ForwardSet)]
        [ValidateNotNullOrEmpty]
        public string? JobName { get; set; }

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

        // Relay faults and trace (Relays/RelayFaultSet, Relays/RelayStageSource): the parameters and the stages they make.
        /// <summary>Relay: the faults to apply (New-SocketFault). Set-SocketFault changes them while the relay runs, also when none were given.</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        public RelayFaultSet? Fault { get; set; }

        /// <summary>Relay: writes what passes each way to this file as a timestamped hex dump (as ncat -x), flushed when the relay stops.</summary>
        [Parameter(ParameterSetName = ForwardSet)]
        [ValidateNotNullOrEmpty]
        public string? TraceFile { get; set; }

        /// <summary>The relay's stages: the faults given (or an empty set for Set-SocketFault to fill) and the trace; a trace file that cannot be made stops the command.</summary>
        private RelayStageSource MakeRelayStages()
        {
            string? trace = TraceFile == null ? null : GetUnresolvedProviderPathFromPSPath(TraceFile);
            try
            {
                return new RelayStageSource(Fault ?? new RelayFaultSet(), trace);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException)
            {
                ThrowTerminating(new SocketSessionException(ErrorIds.TraceFileFailed, $"The trace file {trace} could not be created: {e.Message}", TraceFile, e));
                throw;
            }
        }

        /// <summary>Lets Set-SocketFault find a relay's faults from its listener or job, and closes the trace when the server has stopped.</summary>
        private static void AttachRelayStages(SocketServer server, IConnectionHandler mode)
        {
            if (mode is RelayHandler relay && relay.Options.Stages is RelayStageSource stages)
            {
                RelayFaultRegistry.Register(server.Listener, stages.Faults);
                server.Finished += _ => stages.Dispose();
            }
        }

        /// <summary>A relay that could not start closes its trace file.</summary>
        private static void ReleaseRelayStages(IConnectionHandler mode) => ((mode as RelayHandler)?.Options.Stages as IDisposable)?.Dispose();

        /// <summary>The socket-kind and TLS parameters (here the server's), declared once for the cmdlets that take them.</summary>
        private readonly SharedParameterValues _shared = new SharedParameterValues(
            new[]
            {
                SocketKindParameterCatalog.LocalAddress.Everywhere,
                SocketKindParameterCatalog.AddressFamily.Everywhere,
                SocketKindParameterCatalog.Protocol.Everywhere,
                SocketKindParameterCatalog.Path.Everywhere,
                TlsParameterCatalog.Certificate.Everywhere,
                TlsParameterCatalog.CertificatePath.Everywhere,
                TlsParameterCatalog.KeyPath.Everywhere,
                TlsParameterCatalog.CertificatePassword.Everywhere,
                TlsParameterCatalog.RequireClientCertificate.Everywhere,
            }
            .Concat(TlsParameterCatalog.Trust));

        private IPAddress? LocalAddress => _shared.Get<IPAddress?>(SocketKindParameterCatalog.LocalAddress, null);

        private IPFamily AddressFamily => _shared.Get(SocketKindParameterCatalog.AddressFamily, IPFamily.Any);

        private SocketProtocol Protocol => _shared.Get(SocketKindParameterCatalog.Protocol, SocketProtocol.Tcp);

        private string? Path => _shared.Get<string?>(SocketKindParameterCatalog.Path, null);

        public object GetDynamicParameters() => _shared.Parameters;

        /// <summary>The server mode asked for, by its parameter's name; null for a plain listener.</summary>
        private string? ModeName => ParameterSetName == ListenSet ? null
            : ParameterSetName == RelaySet ? (Echo ? nameof(Echo) : nameof(Broadcast))
            : ParameterSetName == ForwardSet ? nameof(ForwardTo)
            : ParameterSetName;

        protected override void EndProcessing()
        {
            Enforce(OptionRules.ListenerRelayMode, new OptionFacts(this));
            Enforce(OptionRules.ListenerForward, new OptionFacts(this));
            var kind = new OptionFacts(this) { Protocol = ListenerProtocol, Mode = ModeName, Target = ListenerProtocol };
            kind.Tls = kind.AnyGiven(TlsParameterCatalog.Certificate.Name, TlsParameterCatalog.CertificatePath.Name);
            Enforce(OptionRules.ListenerKind, kind);
            IPAddress address = LocalAddress ?? (AddressFamily == IPFamily.IPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
            var settings = new SocketSettings { Family = AddressFamily };
            ApplyBoundSettings(settings);
            TlsServerOptions? tls = ServerTls();
            if (!PrepareKind(settings))
            {
                return;
            }

            IConnectionHandler? serverMode = MakeServerMode(settings);
            ServerOptions? serverOptions = serverMode == null ? null : MakeServerOptions();

            SocketSession? listener = null;
            if (TryRun(() => listener = CreateKindListener(settings, address)))
            {
                listener!.ServerTls = tls;
                if (IsVerbose)
                {
                    string what = listener.IsDatagram ? "bound, receiving datagrams" : $"bound and listening (backlog {Backlog})";
                    WriteVerbose($"Session {listener.Id}: {listener.Protocol}{(tls != null ? "+TLS" : string.Empty)} listener on {EndPoints.Format(listener.LocalEndPoint)}, {what}.");
                }

                WriteOptionsDebug(listener);

                if (serverMode != null)
                {
                    StartServer(listener, serverMode, serverOptions!);
                    return;
                }

                WriteObject(listener);
            }
            else if (serverMode != null)
            {
                ReleaseRelayStages(serverMode);
            }
        }

        /// <summary>The TLS settings the certificate parameters ask for; null for plain TCP. Bad ones stop the command.</summary>
        private TlsServerOptions? ServerTls()
        {
            try
            {
                bool tls = _shared.Get<object?>(TlsParameterCatalog.Certificate, null) != null || _shared.Get<string?>(TlsParameterCatalog.CertificatePath, null) != null;
                TlsParameters.RequireTls(
                    this, tls, "-Certificate or -CertificatePath", TlsParameters.TlsOnly(_shared, TlsParameterCatalog.Certificate, TlsParameterCatalog.CertificatePath));
                return tls ? TlsParameters.Server(this, _shared) : null;
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
                throw;
            }
        }

        /// <summary>The connection handler of the chosen server mode; null for a plain listener. Bad input stops the command here, before anything is bound.</summary>
        private IConnectionHandler? MakeServerMode(SocketSettings settings)
        {
            switch (ParameterSetName)
            {
                case RelaySet when Echo:
                    return new EchoHandler();
                case GreetingSet:
                    return new GreetingHandler(EncodeGreeting(settings), KeepOpen);
                case RelaySet:
                    return new BroadcastHandler(QuitWord);
                case ForwardSet when ListenerProtocol == SocketProtocol.Udp:
                    // UDP relay: one association per client address, ended after -ReceiveTimeout ms idle (30 s by default).
                    settings.ServerReceives = true;
                    return new UdpRelayHandler(MakeRelayOptions(settings), IsBound(nameof(ReceiveTimeout)) ? ReceiveTimeout : UdpRelayHandler.DefaultIdleTimeout);
                case ForwardSet:
                    return new RelayHandler(MakeRelayOptions(settings));
                case ScriptBlockSet:
                    return new ScriptHandler(
                        ScriptBlock!.ToString(), ArgumentList, HandlerVariables(), HandlerModulePath(), ThrottleLimit, HandlerTimeout, QueueLimit);
                default:
                    return null;
            }
        }

        /// <summary>The relay's target and TLS towards it, from -ForwardTo and the -Forward* parameters; a bad target stops the command.</summary>
        private RelayOptions MakeRelayOptions(SocketSettings settings)
        {
            RelayTarget target = ForwardTo switch
            {
                IPEndPoint ip => RelayTarget.HostPort(ip.Address.ToString(), ip.Port),
                DnsEndPoint dns => RelayTarget.HostPort(dns.Host, dns.Port),
                _ => RelayTarget.UnixPath(ForwardTo!.ToString()!),
            };
            target.Family = settings.Family;
            target.ConnectTimeout = settings.ConnectTimeout;
            if (ForwardUseTls)
            {
                target.Tls = new TlsClientOptions { ServerName = ForwardServerName, SkipCertificateCheck = ForwardSkipCertificateCheck };
                if (ForwardTrustedCertificate != null)
                {
                    target.Tls.TrustedCertificates = new X509Certificate2Collection(ForwardTrustedCertificate);
                }
            }

            return new RelayOptions(target) { Summaries = !NoSummary, Stages = MakeRelayStages() };
        }

        private byte[] EncodeGreeting(SocketSettings settings)
        {
            var bytes = new List<byte>();
            try
            {
                foreach (object value in PipelineValues.Flatten(Greeting))
                {
                    bytes.AddRange(PayloadEncoder.Encode(value, settings.Encoding, null));
                }
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
            }

            return bytes.ToArray();
        }

        private IReadOnlyDictionary<string, object?> HandlerVariables()
        {
            var variables = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            if (Variable != null)
            {
                foreach (DictionaryEntry entry in Variable)
                {
                    string name = entry.Key?.ToString() ?? string.Empty;
                    if (name.Length > 0)
                    {
                        variables[name] = entry.Value;
                    }
                }
            }

            return variables;
        }

        /// <summary>The module the handlers' runspaces import: the manifest this cmdlet was loaded from, else its dll.</summary>
        private string HandlerModulePath()
        {
            PSModuleInfo? module = MyInvocation.MyCommand.Module;
            if (module != null)
            {
                string manifest = System.IO.Path.Combine(module.ModuleBase, module.Name + ".psd1");
                if (File.Exists(manifest))
                {
                    return manifest;
                }

                if (!string.IsNullOrEmpty(module.Path))
                {
                    return module.Path;
                }
            }

            return typeof(SocketSession).Assembly.Location;
        }

        private ServerOptions MakeServerOptions()
        {
            var options = new ServerOptions
            {
                MaxConnections = IsBound(nameof(MaxConnections)) ? MaxConnections : (int?)null,
                IdleTimeout = IsBound(nameof(ReceiveTimeout)) ? ReceiveTimeout : System.Threading.Timeout.Infinite,
                LogConnections = VerboseWanted(),
            };
            if (AllowedClient != null)
            {
                try
                {
                    options.AllowedClients = ClientFilter.Parse(AllowedClient);
                }
                catch (SocketSessionException e)
                {
                    ThrowTerminating(e);
                }
            }

            return options;
        }

        /// <summary>Runs the listener as a background server reporting through a job, and writes the listener (or the job, with -AsJob).</summary>
        private void StartServer(SocketSession listener, IConnectionHandler mode, ServerOptions options)
        {
            SocketListenerJob job;
            try
            {
                var server = new SocketServer(listener, mode, options);
                Runspace? owner = Runspace.DefaultRunspace;
                server.MayWaitOnClose = () => Runspace.DefaultRunspace == null || ReferenceEquals(Runspace.DefaultRunspace, owner);
                string command = MyInvocation.Line?.Trim() is string line && line.Length > 0 ? line : $"Start-SocketListener -{mode.Mode}";
                job = new SocketListenerJob(server, command, JobName ?? $"{mode.Mode}Server{listener.Id}");
                server.Start();
                AttachRelayStages(server, mode);
            }
            catch (SocketSessionException e)
            {
                listener.Close();
                mode.Dispose();
                ReleaseRelayStages(mode);
                WriteError(ErrorRecordFactory.From(e));
                return;
            }
            catch (Exception e) when (!(e is PipelineStoppedException) && !(e is ParameterBindingException))
            {
                listener.Close();
                mode.Dispose();
                ReleaseRelayStages(mode);
                ThrowTerminating(new SocketSessionException(
                    ErrorIds.ServerFailed, $"The {mode.Mode} server on {EndPoints.Format(listener.LocalEndPoint)} could not start: {e.Message}", listener, e));
                return;
            }

            JobRepository.Add(job);
            job.MarkRunning();
            PSObject wrapped = PSObject.AsPSObject(listener);
            wrapped.Properties.Add(new PSNoteProperty("Job", job));
            if (IsVerbose)
            {
                WriteVerbose($"Session {listener.Id}: the {mode.Mode} server on {EndPoints.Format(listener.LocalEndPoint)} runs as job {job.Id} ({job.Name}).");
            }

            WriteObject(AsJob ? job : (object)wrapped);
        }

        /// <summary>-Verbose, or $VerbosePreference, asks for the server's connection events in the job's Verbose stream.</summary>
        private bool VerboseWanted()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out object? given))
            {
                return given is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(given);
            }

            object? preference = GetVariableValue("VerbosePreference");
            if (preference is PSObject wrapper)
            {
                preference = wrapper.BaseObject;
            }

            return preference is ActionPreference action
                ? action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore
                : preference != null && !string.Equals(preference.ToString(), "SilentlyContinue", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>The kind of listener: -Protocol, else UnixStream with -Path, else Tcp.</summary>
        private SocketProtocol ListenerProtocol => IsBound(nameof(Protocol)) ? Protocol : Path != null ? SocketProtocol.UnixStream : SocketProtocol.Tcp;

        /// <summary>
        /// Puts the kind of socket in the settings (the option rules were checked before). False: -DualMode with an
        /// address that is not IPv6; an error was written and nothing is to start.
        /// </summary>
        private bool PrepareKind(SocketSettings settings)
        {
            if (DualMode && (LocalAddress!.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || AddressFamily == IPFamily.IPv4))
            {
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    $"-DualMode makes an IPv6 socket that also accepts IPv4 clients; {LocalAddress} with -AddressFamily {AddressFamily} is not an IPv6 address. Use -LocalAddress ::.",
                    LocalAddress)));
                return false;
            }

            settings.Protocol = ListenerProtocol;
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
                    return SessionFactory.Create(SocketRole.Listener, settings, Registry, SessionAddress.Ip(new IPEndPoint(address, Port)), Backlog);
                case SocketProtocol.Udp:
                    return SessionFactory.Create(SocketRole.Listener, settings, Registry, SessionAddress.Ip(new IPEndPoint(DatagramAddress(), Port)));
                default:
                    return SessionFactory.Create(
                        SocketRole.Listener, settings, Registry, SessionAddress.UnixPath(GetUnresolvedProviderPathFromPSPath(Path), MayRemoveStaleSocket), Backlog);
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
