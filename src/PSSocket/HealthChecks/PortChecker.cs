using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Proxies;
using PSSocket.Sessions;
using PSSocket.Threading;
using PSSocket.Tls;
using PSSocket.Tls.StartTls;

namespace PSSocket.HealthChecks
{
    /// <summary>
    /// Checks TCP ports concurrently without a thread per check: at most <c>throttle</c> checks run at once, each
    /// bounded by the timeout, each name resolved once. A check's task never faults: every failure, cancellation
    /// included, ends as a result, so nothing goes unobserved on a background thread. The semaphore is not disposed:
    /// checks still finishing after a stopped pipeline may release it, and it holds no wait handle.
    /// </summary>
    internal sealed class PortChecker
    {
        private const int MaximumResponseBytes = 64 * 1024;
        private const int MaximumResponseChars = 4096;

        private readonly PortCheckOptions _options;
        private readonly SemaphoreSlim _throttle;
        private readonly CancellationToken _cancellationToken;
        private readonly ConcurrentDictionary<string, Lazy<Task<IPAddress[]>>> _names =
            new ConcurrentDictionary<string, Lazy<Task<IPAddress[]>>>(StringComparer.OrdinalIgnoreCase);

        public PortChecker(PortCheckOptions options, int throttle, CancellationToken cancellationToken)
        {
            _options = options;
            _throttle = new SemaphoreSlim(Math.Max(1, throttle));
            _cancellationToken = cancellationToken;
        }

        /// <summary>The checks started and finished so far, by outcome.</summary>
        public PortCheckTally Tally { get; } = new PortCheckTally();

        /// <summary>Starts a check; the task completes with its result and never faults.</summary>
        /// <param name="startTls">Other than Off: this protocol's STARTTLS dialogue, then the TLS handshake.</param>
        public Task<PortCheckResult> Check(string computerName, int port, StartTlsProtocol startTls = StartTlsProtocol.Off)
        {
            Tally.Start();
            return CheckAsync(computerName, port, startTls);
        }

        private async Task<PortCheckResult> CheckAsync(string computerName, int port, StartTlsProtocol startTls)
        {
            var result = new PortCheckResult { ComputerName = computerName, Port = port, StartTls = startTls.ToString() };
            try
            {
                await _throttle.WaitAsync(_cancellationToken).ConfigureAwait(false);
                try
                {
                    await RunAsync(result, startTls).ConfigureAwait(false);
                }
                finally
                {
                    _throttle.Release();
                }
            }
            catch (OperationCanceledException e)
            {
                Fail(result, PortStatus.TimedOut, "Stopped", "The check was stopped.", e);
            }
            catch (Exception e)
            {
                // Anything unforeseen becomes a result: an exception escaping here would go unobserved.
                Fail(result, PortStatus.Unreachable, ErrorIds.SocketError, e.Message, e);
            }

            Tally.Finish(result);
            return result;
        }

        private async Task RunAsync(PortCheckResult result, StartTlsProtocol startTls)
        {
            ProxyEndPoint? proxy = _options.Proxy;
            result.Proxy = proxy?.ToString();
            IPAddress[] addresses;
            try
            {
                addresses = await Resolve(proxy?.Host ?? result.ComputerName).ConfigureAwait(false);
            }
            catch (SocketSessionException e)
            {
                Fail(result, proxy == null ? PortStatus.NameNotResolved : PortStatus.ProxyFailed, e.ErrorId, ThroughProxy(e.Message), e);
                return;
            }

            IPAddress? current = null;
            long attemptStarted = Stopwatch.GetTimestamp();
            var request = new ConnectRequest(result.ComputerName, result.Port, _options.Timeout, _cancellationToken)
            {
                Addresses = addresses,
                Family = _options.Family,
                Proxy = proxy,
                Attempting = address =>
                {
                    current = address;
                    attemptStarted = Stopwatch.GetTimestamp();
                },
            };
            Deadline deadline = request.Deadline;
            (Socket? socket, SocketSessionException? failure) = await Connector.TryConnectAsync(request).ConfigureAwait(false);
            string? remoteAddress = proxy == null ? current?.ToString() : TargetAddress(result.ComputerName);
            if (socket == null)
            {
                result.RemoteAddress = remoteAddress;
                result.LatencyMs = current == null ? (double?)null : Elapsed(attemptStarted);
                if (proxy == null)
                {
                    Fail(result, PortVerdict.StatusFor(failure!.ErrorId, connected: false), failure.ErrorId, failure.Message, failure);
                }
                else
                {
                    string status = PortVerdict.StatusThroughProxy(failure!);
                    bool reachedProxy = failure!.Target is ProxyEndPoint || status != PortStatus.ProxyFailed;
                    Fail(result, status, failure.ErrorId, reachedProxy ? failure.Message : ThroughProxy(failure.Message), failure);
                }

                return;
            }

            result.LatencyMs = Elapsed(attemptStarted);
            result.RemoteAddress = remoteAddress;
            Stream? stream = null;
            try
            {
                stream = new NetworkStream(socket, ownsSocket: false);
                if (startTls != StartTlsProtocol.Off && !await StartTlsAsync(result, stream, startTls, deadline).ConfigureAwait(false))
                {
                    return;
                }

                TlsClientOptions? tls = startTls == StartTlsProtocol.Off ? _options.Tls : _options.Tls ?? _options.StartTlsSettings ?? new TlsClientOptions();
                if (tls != null)
                {
                    stream = await SecureAsync(result, stream, tls, deadline).ConfigureAwait(false);
                    if (stream == null)
                    {
                        return;
                    }
                }

                if (_options.Send != null || _options.Expect != null)
                {
                    if (!await ProbeAsync(result, stream, deadline).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                result.Status = PortStatus.Open;
                result.Success = true;
                PortVerdict.ApplyThreshold(result, _options.MinimumDaysValid);
            }
            finally
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                    // The peer may have gone already.
                }

                socket.Dispose();
                stream?.Dispose();
            }
        }

        /// <summary>A message about reaching the proxy, saying it was the proxy's (a direct check's message as it is).</summary>
        private string ThroughProxy(string message) => _options.Proxy == null ? message : $"Could not reach the proxy {_options.Proxy}: {message}";

        /// <summary>Through a proxy, the target's address is known only when it was given as one: the proxy resolves names.</summary>
        private static string? TargetAddress(string computerName) =>
            IPAddress.TryParse(computerName.Trim('[', ']'), out IPAddress? address) ? address.ToString() : null;

        private Task<IPAddress[]> Resolve(string computerName) =>
            _names.GetOrAdd(
                computerName,
                name => new Lazy<Task<IPAddress[]>>(() => HostResolver.ResolveAsync(name, Deadline.After(_options.Timeout), _cancellationToken)))
            .Value;

        /// <summary>Runs the STARTTLS dialogue; false (with the result filled in) when the server did not go along.</summary>
        private async Task<bool> StartTlsAsync(PortCheckResult result, Stream stream, StartTlsProtocol protocol, Deadline deadline)
        {
            try
            {
                await StartTlsDialogue.For(protocol)
                    .RunAsync(stream, $"{result.ComputerName}:{result.Port}", deadline, _cancellationToken)
                    .ConfigureAwait(false);
                return true;
            }
            catch (SocketSessionException e)
            {
                Fail(result, PortVerdict.StatusFor(e.ErrorId, connected: true), e.ErrorId, e.Message, e);
                return false;
            }
        }

        /// <summary>The TLS stream, or null when the handshake failed (the result says why, with the certificate facts).</summary>
        private async Task<Stream?> SecureAsync(PortCheckResult result, Stream transport, TlsClientOptions tls, Deadline deadline)
        {
            string peer = result.RemoteAddress == null ? result.ComputerName : EndPoints.Format(IPAddress.Parse(result.RemoteAddress), result.Port);
            try
            {
                TlsHandshakeResult secured = await TlsHandshake.AuthenticateAsync(
                    transport, null, tls, SessionTls.TargetName(result.ComputerName, null), peer, deadline, _cancellationToken, result.ComputerName)
                    .ConfigureAwait(false);
                CopyTls(result, secured.Info);
                return secured.Stream;
            }
            catch (TlsFailureException e)
            {
                if (e.Facts != null)
                {
                    CopyTls(result, e.Facts);
                }

                Fail(result, PortVerdict.StatusFor(e.ErrorId, connected: true), e.ErrorId, e.Message, e);
                return null;
            }
        }

        /// <summary>Sends the probe text and waits for the pattern; false (with the result filled in) when it did not come.</summary>
        private async Task<bool> ProbeAsync(PortCheckResult result, Stream stream, Deadline deadline)
        {
            try
            {
                if (_options.Send != null)
                {
                    byte[] request = _options.Encoding.GetBytes(_options.Send);
                    Task write = stream.WriteAsync(request, 0, request.Length, _cancellationToken);
                    if (!await TaskWaiter.WaitAsync(write, deadline, _cancellationToken).ConfigureAwait(false))
                    {
                        TaskWaiter.Forget(write);
                        Fail(result, PortStatus.UnexpectedResponse, ErrorIds.UnexpectedResponse, $"Sending the probe did not finish within {_options.Timeout} ms.", null);
                        return false;
                    }

                    await write.ConfigureAwait(false);
                }

                if (_options.Expect == null)
                {
                    return true;
                }

                var received = new MemoryStream();
                var chunk = new byte[4096];
                while (true)
                {
                    Task<int> read = stream.ReadAsync(chunk, 0, chunk.Length, _cancellationToken);
                    if (!await TaskWaiter.WaitAsync(read, deadline, _cancellationToken).ConfigureAwait(false))
                    {
                        TaskWaiter.Forget(read);
                        return NoMatch(result, received, $"no reply matching '{_options.Expect}' arrived within {_options.Timeout} ms");
                    }

                    int n = await read.ConfigureAwait(false);
                    if (n == 0)
                    {
                        return NoMatch(result, received, $"the peer closed the connection without a reply matching '{_options.Expect}'");
                    }

                    received.Write(chunk, 0, n);
                    string text = Text(received);
                    if (Matches(result, text))
                    {
                        result.Response = Truncate(text);
                        return true;
                    }

                    if (result.ErrorId != null)
                    {
                        return false;
                    }

                    if (received.Length >= MaximumResponseBytes)
                    {
                        return NoMatch(result, received, $"the first {MaximumResponseBytes} bytes of the reply do not match '{_options.Expect}'");
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException || e is NotSupportedException)
            {
                SocketException? socketError = Innermost<SocketException>(e);
                string id = socketError == null ? ErrorIds.UnexpectedResponse : SocketErrorTranslator.ForTransfer(socketError, "probing", result.ComputerName).ErrorId;
                Fail(result, PortStatus.UnexpectedResponse, id, $"The probe of {result.ComputerName} port {result.Port} failed: {e.Message}", e);
                return false;
            }
        }

        /// <summary>Whether the reply matches -Expect; a match that runs past its timeout fails the check with ExpectMatchTimedOut.</summary>
        private bool Matches(PortCheckResult result, string text)
        {
            try
            {
                return _options.Expect!.IsMatch(text);
            }
            catch (RegexMatchTimeoutException e)
            {
                result.Response = Truncate(text);
                Fail(
                    result,
                    PortStatus.UnexpectedResponse,
                    ErrorIds.ExpectMatchTimedOut,
                    $"Matching -Expect '{_options.Expect}' against the {text.Length}-character reply of {result.ComputerName} port {result.Port} took longer than {e.MatchTimeout.TotalMilliseconds:0} ms (-Timeout); use a pattern that does not backtrack so much.",
                    e);
                return false;
            }
        }

        private bool NoMatch(PortCheckResult result, MemoryStream received, string reason)
        {
            result.Response = Truncate(Text(received));
            Fail(result, PortStatus.UnexpectedResponse, ErrorIds.UnexpectedResponse, $"{result.ComputerName} port {result.Port} accepted the connection, but {reason}.", null);
            return false;
        }

        private string Text(MemoryStream received) => _options.Encoding.GetString(received.GetBuffer(), 0, (int)received.Length);

        private static string Truncate(string text) => text.Length <= MaximumResponseChars ? text : text.Substring(0, MaximumResponseChars);

        private static void CopyTls(PortCheckResult result, TlsInfo info)
        {
            result.TlsProtocol = info.Protocol.Length == 0 ? null : info.Protocol;
            result.TlsCipherSuite = info.CipherSuite.Length == 0 ? null : info.CipherSuite;
            result.CertificateSubject = info.Subject;
            result.CertificateIssuer = info.Issuer;
            result.CertificateSubjectAlternativeNames = info.SubjectAlternativeNames;
            result.CertificateNotBefore = info.NotBefore;
            result.CertificateNotAfter = info.NotAfter;
            result.CertificateDaysUntilExpiry = info.DaysUntilExpiry;
            result.CertificateThumbprint = info.Thumbprint;
            result.CertificateChainValid = info.Subject == null ? (bool?)null : info.ChainValid;
            result.CertificateChainStatus = info.ChainStatus;
            result.CertificateNameMatches = info.NameMatches;
            result.CertificateRevocationStatus = info.Subject == null ? null : info.RevocationStatus;
        }

        private static void Fail(PortCheckResult result, string status, string errorId, string message, Exception? error)
        {
            result.Status = status;
            result.Success = false;
            result.ErrorId = errorId;
            result.Message = message;
            result.SocketError = Innermost<SocketException>(error)?.SocketErrorCode.ToString();
        }

        private static T? Innermost<T>(Exception? error)
            where T : Exception
        {
            T? found = null;
            for (Exception? e = error; e != null; e = e.InnerException)
            {
                if (e is T match)
                {
                    found = match;
                }
            }

            return found;
        }

        private static double Elapsed(long started) =>
            Math.Round((Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency, 3);
    }
}
