using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
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
    public sealed class StartSocketTlsCommand : SocketCmdlet
    {
        private const string ClientSet = "Client";
        private const string ServerSet = "ServerCertificate";
        private const string ServerPathSet = "ServerCertificatePath";

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession? Session { get; set; }

        /// <summary>Client side: the name sent as SNI and checked against the certificate; default: the host name the session connected to.</summary>
        [Parameter(ParameterSetName = ClientSet)]
        [ValidateNotNullOrEmpty]
        public string? ServerName { get; set; }

        [Parameter(ParameterSetName = ClientSet)]
        public X509Certificate2? ClientCertificate { get; set; }

        [Parameter(ParameterSetName = ClientSet)]
        [ValidateNotNullOrEmpty]
        public string? ClientCertificatePath { get; set; }

        /// <summary>The PEM file of -ClientCertificatePath's private key, when it is not in the certificate's file.</summary>
        [Parameter(ParameterSetName = ClientSet)]
        [ValidateNotNullOrEmpty]
        public string? ClientCertificateKeyPath { get; set; }

        [Parameter(ParameterSetName = ClientSet)]
        public SecureString? ClientCertificatePassword { get; set; }

        /// <summary>Server side: this end's certificate, with its private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ServerSet)]
        public X509Certificate2? Certificate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ServerPathSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificatePath { get; set; }

        /// <summary>The PEM file of -CertificatePath's private key, when it is not in the certificate's file.</summary>
        [Parameter(ParameterSetName = ServerPathSet)]
        [ValidateNotNullOrEmpty]
        public string? KeyPath { get; set; }

        [Parameter(ParameterSetName = ServerPathSet)]
        public SecureString? CertificatePassword { get; set; }

        [Parameter(ParameterSetName = ServerSet)]
        [Parameter(ParameterSetName = ServerPathSet)]
        public SwitchParameter RequireClientCertificate { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [CertificateBundleTransformation]
        public X509Certificate2[]? TrustedCertificate { get; set; }

        /// <summary>PEM bundles (or DER files) of CA certificates to trust, as -TrustedCertificate.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TrustedCertificatePath { get; set; }

        [Parameter]
        [Alias("SslProtocol")]
        public TlsProtocol[]? TlsProtocol { get; set; }

        /// <summary>
        /// Checks the peer's chain for revocation: Offline uses cached CRLs only, Online fetches CRLs and OCSP
        /// answers (it needs the network). A revoked certificate fails the check; an undecided one is reported.
        /// </summary>
        [Parameter]
        public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

        /// <summary>How long the handshake may take, in milliseconds; -1 waits forever. Default: the session's ConnectTimeout.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>Drops plaintext bytes received before the upgrade and not read yet, instead of refusing to upgrade.</summary>
        [Parameter]
        public SwitchParameter DiscardUnreadData { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private TlsOptions? _options;

        protected override void BeginProcessing()
        {
            try
            {
                _options = ParameterSetName == ClientSet
                    ? TlsParameters.Client(this, ServerName, SkipCertificateCheck, TrustedCertificate, ClientCertificate, ClientCertificatePath, ClientCertificatePassword, TlsProtocol, ClientCertificateKeyPath, TrustedCertificatePath)
                    : (TlsOptions)TlsParameters.Server(this, Certificate, CertificatePath, CertificatePassword, RequireClientCertificate, SkipCertificateCheck, TrustedCertificate, TlsProtocol, KeyPath, TrustedCertificatePath);
                _options.RevocationMode = RevocationMode;
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
            if (!TryRun(() => session.StartTls(_options!, timeout, DiscardUnreadData, StopToken, afterPlaintext: true)))
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
