using System.Linq;
using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Tls;

namespace PSSocket.Commands
{
    /// <summary>
    /// STARTTLS: turns a connected plaintext session into a TLS session in place, as the client (the default) or,
    /// with -Certificate or -CertificatePath, as the server. Every send and receive mode then goes through TLS.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "SocketTls", DefaultParameterSetName = ClientSet)]
    [OutputType(typeof(SocketSession))]
    public sealed class StartSocketTlsCommand : SocketCmdlet, IDynamicParameters
    {
        private const string ClientSet = "Client";
        private const string ServerSet = "ServerCertificate";
        private const string ServerPathSet = "ServerCertificatePath";

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession? Session { get; set; }

        /// <summary>How long the handshake may take, in milliseconds; -1 waits forever. Default: the session's ConnectTimeout.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>Drops plaintext bytes received before the upgrade and not read yet, instead of refusing to upgrade.</summary>
        [Parameter]
        public SwitchParameter DiscardUnreadData { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The TLS parameters, declared once for the cmdlets that speak TLS: the client's, the server's, and the trust both sides share.</summary>
        private readonly SharedParameterValues _shared = new SharedParameterValues(
            TlsParameterCatalog.ClientIdentity(ClientSet)
            .Concat(new[]
            {
                TlsParameterCatalog.Certificate.MandatoryIn(ServerSet),
                TlsParameterCatalog.CertificatePath.MandatoryIn(ServerPathSet),
                TlsParameterCatalog.KeyPath.In(ServerPathSet),
                TlsParameterCatalog.CertificatePassword.In(ServerPathSet),
                TlsParameterCatalog.RequireClientCertificate.In(ServerSet, ServerPathSet),
            })
            .Concat(TlsParameterCatalog.Trust)
            .Concat(new[] { TlsParameterCatalog.RevocationMode.Everywhere }));

        public object GetDynamicParameters() => _shared.Parameters;

        private TlsOptions? _options;

        protected override void BeginProcessing()
        {
            try
            {
                _options = ParameterSetName == ClientSet ? TlsParameters.Client(this, _shared) : (TlsOptions)TlsParameters.Server(this, _shared);
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
            }
        }

        protected override void ProcessRecord()
        {
            SocketSession session = Session!;
            int timeout = IsBound(nameof(Timeout)) ? Timeout : session.ConnectTimeout;
            if (!TryRun(() => session.StreamFor("start TLS on").StartTls(_options!, timeout, DiscardUnreadData, StopToken, afterPlaintext: true)))
            {
                return;
            }

            if (IsVerbose)
            {
                TlsInfo tls = session.Tls!;
                WriteVerbose($"Session {session.Id}: TLS {tls.Protocol}, cipher {tls.CipherSuite}, peer certificate {tls.Subject ?? "none"}{(tls.CertificateError != null ? $" ({tls.CertificateError}, accepted by -SkipCertificateCheck)" : string.Empty)}.");
            }

            if (PassThru)
            {
                WriteObject(session);
            }
        }
    }
}
