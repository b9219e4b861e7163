using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PSSocket.Binding;
using PSSocket.Errors;
using PSSocket.HealthChecks;
using PSSocket.Sessions;
using PSSocket.Tls;
using PSSocket.Tls.StartTls;

namespace PSSocket.Commands
{
    /// <summary>
    /// Checks TCP ports on many hosts at once: connect (every resolved address in turn), optionally a TLS handshake
    /// with the certificate's facts, optionally a probe (-Send, -Expect). The checks run on background tasks; the
    /// results are written here, on the pipeline thread, in the order the targets and ports were given.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "SocketPort")]
    [OutputType(typeof(PortCheckResult), typeof(bool))]
    public sealed class TestSocketPortCommand : SocketCmdlet, IDynamicParameters
    {
        /// <summary>Checks started but not written yet, above which ProcessRecord waits for the oldest before taking more input.</summary>
        private const int Window = 8192;
        private const int ProgressInterval = 250;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName", "Address", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; } = new string[0];

        /// <summary>Ports: numbers, arrays, or strings with lists and ranges such as "80,443,8000-8010".</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [PortListTransformation]
        [ValidateRange(PortList.Lowest, PortList.Highest)]
        public int[] Port { get; set; } = new int[0];

        /// <summary>Milliseconds for each check (connect, TLS handshake, probe), and for resolving each name; -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; } = PortCheckOptions.DefaultTimeout;

        /// <summary>How many checks run at once.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ThrottleLimit { get; set; } = 100;

        [Parameter]
        [Alias("Tls")]
        public SwitchParameter UseTls { get; set; }

        /// <summary>
        /// Runs this protocol's STARTTLS dialogue (Smtp, Imap, Pop3, Ftp, Postgres, Ldap) after the connect, then
        /// the TLS handshake, as openssl s_client -starttls does; implies -UseTls. Binds by property name, so one
        /// call checks CSV rows of different protocols (Off: TLS from the first byte with -UseTls, else plain TCP).
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public StartTlsProtocol StartTls { get; set; }

        /// <summary>Text to send once connected (with -UseTls, once secured): a PING, a request line.</summary>
        [Parameter]
        public string? Send { get; set; }

        /// <summary>A regular expression the reply must match within the timeout (case-insensitive, as -match).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Expect { get; set; }

        /// <summary>
        /// With TLS: the certificate must stay valid for at least this many more whole days; one that expires
        /// sooner gives the status CertificateExpiring (and -Quiet false), so a check fails before the outage.
        /// </summary>
        [Parameter]
        [ValidateRange(0, 36500)]
        [Alias("CertificateExpiryDays")]
        public int MinimumDaysValid { get; set; }

        /// <summary>Writes one Boolean per computer name: true when every port checked on it is Open.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>The socket-kind and TLS parameters, declared once for the cmdlets that take them.</summary>
        private readonly SharedParameterValues _shared = new SharedParameterValues(
            new[] { SocketKindParameterCatalog.AddressFamily.Everywhere, TlsParameterCatalog.ServerName.Everywhere, TlsParameterCatalog.ClientCertificate.Everywhere }
            .Concat(TlsParameterCatalog.Trust)
            .Concat(new[] { TlsParameterCatalog.RevocationMode.Everywhere })
            .Concat(ProxyParameterCatalog.Everywhere));

        private IPFamily AddressFamily => _shared.Get(SocketKindParameterCatalog.AddressFamily, IPFamily.Any);

        public object GetDynamicParameters() => _shared.Parameters;

        private readonly Queue<(Task<PortCheckResult> Check, Target Target, int Port)> _running = new Queue<(Task<PortCheckResult>, Target, int)>();

        private PortChecker? _checker;

        protected override void BeginProcessing()
        {
            var options = new PortCheckOptions { Timeout = Timeout, Family = AddressFamily, Send = Send };
            Enforce(OptionRules.ProxyUse, new OptionFacts(this) { Protocol = SocketProtocol.Tcp });
            try
            {
                options.Proxy = ProxyParameterCatalog.From(_shared);
                // Piped rows may each name their own -StartTls, so with pipeline input the check waits for each row.
                bool tls = UseTls || StartTls != StartTlsProtocol.Off || MyInvocation.ExpectingInput;
                if (!MyInvocation.ExpectingInput)
                {
                    RequireTlsForTlsOptions();
                }
                if (tls)
                {
                    TlsClientOptions settings = TlsParameters.Client(this, _shared);
                    options.Tls = UseTls ? settings : null;
                    options.StartTlsSettings = settings;
                }

                if (IsBound(nameof(MinimumDaysValid)))
                {
                    options.MinimumDaysValid = MinimumDaysValid;
                }

                if (Expect != null)
                {
                    options.Expect = Pattern(Expect, Timeout);
                }
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
            }

            _checker = new PortChecker(options, ThrottleLimit, StopToken);
            _progress = new PortCheckProgress(this, _checker.Tally);
        }

        protected override void ProcessRecord()
        {
            if (MyInvocation.ExpectingInput && !TryRun(RequireTlsForTlsOptions))
            {
                return;
            }

            int[] ports = Port.Distinct().ToArray();
            foreach (string name in ComputerName)
            {
                var target = new Target(name, ports.Length);
                foreach (int port in ports)
                {
                    _running.Enqueue((_checker!.Check(name, port, StartTls), target, port));
                }
            }

            WriteFinished(waitForAll: false);
        }

        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        private PortCheckProgress? _progress;

        protected override void EndProcessing()
        {
            WriteFinished(waitForAll: true);
            _progress!.Complete();
            if (IsVerbose)
            {
                WriteVerbose($"Test-SocketPort: {_checker!.Tally.Describe()}, in {_clock.Elapsed.TotalMilliseconds:0} ms.");
            }
        }

        /// <summary>TLS-only options without -UseTls or a -StartTls protocol: TlsNotRequested.</summary>
        private void RequireTlsForTlsOptions() => TlsParameters.RequireTls(
            this, UseTls || StartTls != StartTlsProtocol.Off, "-UseTls or -StartTls", TlsParameters.TlsOnly(_shared).Concat(new[] { nameof(MinimumDaysValid) }).ToArray());

        /// <summary>The -Expect pattern; one match may take at most <paramref name="timeout"/> ms (-1: no limit), so a pattern that backtracks without end is stopped.</summary>
        private static Regex Pattern(string expect, int timeout)
        {
            try
            {
                TimeSpan matchTimeout = timeout < 0 ? Regex.InfiniteMatchTimeout : TimeSpan.FromMilliseconds(Math.Max(1, timeout));
                return new Regex(expect, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeout);
            }
            catch (ArgumentException e)
            {
                throw new SocketSessionException(ErrorIds.InvalidPattern, $"-Expect '{expect}' is not a valid regular expression: {e.Message}", expect, e);
            }
        }

        /// <summary>
        /// Writes the results in the order the checks were started, as far as they are finished; waits for the
        /// oldest when asked to finish them all, or when too many are waiting. Stopping the pipeline ends the wait.
        /// </summary>
        private void WriteFinished(bool waitForAll)
        {
            while (_running.Count > 0)
            {
                (Task<PortCheckResult> check, Target target, int port) = _running.Peek();
                if (!check.IsCompleted)
                {
                    if (!waitForAll && _running.Count < Window)
                    {
                        return;
                    }

                    WaitReporting(check, $"{target.ComputerName}:{port}");
                }

                _running.Dequeue();
                PortCheckResult result = check.Result;
                if (IsVerbose)
                {
                    WriteVerbose($"{result.ComputerName}:{result.Port} ({result.RemoteAddress ?? "no address"}): {result.Status}{(result.LatencyMs is double ms ? $" in {ms:0.0} ms" : string.Empty)}{(result.TlsProtocol != null ? $", {result.TlsProtocol} {result.TlsCipherSuite}" : string.Empty)}.");
                }

                if (!Quiet)
                {
                    WriteObject(result);
                }
                else if (target.Add(result.Success))
                {
                    WriteObject(target.AllOpen);
                }

                _progress!.Report(null);
            }
        }

        /// <summary>Waits for one check, writing progress meanwhile; stopping the pipeline ends the wait.</summary>
        private void WaitReporting(Task<PortCheckResult> check, string endPoint)
        {
            try
            {
                while (!check.Wait(ProgressInterval, StopToken))
                {
                    _progress!.Report(endPoint);
                }
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>One computer name of one input: -Quiet writes its verdict once all its ports are written.</summary>
        private sealed class Target
        {
            private int _remaining;

            public Target(string computerName, int ports)
            {
                ComputerName = computerName;
                _remaining = ports;
            }

            public string ComputerName { get; }

            public bool AllOpen { get; private set; } = true;

            /// <summary>Counts one port's outcome; true when it was the last.</summary>
            public bool Add(bool open)
            {
                AllOpen &= open;
                return --_remaining == 0;
            }
        }
    }
}
