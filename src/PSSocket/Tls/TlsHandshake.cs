using System;
using System.IO;
using System.Net.Security;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Runtime;
using PSSocket.Threading;

namespace PSSocket.Tls
{

    /// <summary>
    /// Runs a TLS handshake over a connected stream within a deadline, and turns its failures into the module's
    /// error ids: the certificate checks (untrusted, expired, wrong name, missing client certificate), a peer
    /// that does not speak TLS, a timeout, and any other handshake failure.
    /// </summary>
    internal static class TlsHandshake
    {

        /// <param name="transport">The connection's stream; the SslStream owns it from here on (the socket stays open).</param>
        /// <param name="prefix">A plaintext-phase read that was still pending at a STARTTLS upgrade: its bytes come first.</param>
        /// <param name="targetHost">Client side: the name for SNI and the certificate check.</param>
        /// <param name="peer">The peer, for messages.</param>
        public static async Task<TlsHandshakeResult> AuthenticateAsync(
            Stream transport,
            PendingRead? prefix,
            TlsOptions options,
            string? targetHost,
            string peer,
            Deadline deadline,
            CancellationToken cancellationToken,
            object? target)
        {
            var client = options as TlsClientOptions;
            var server = options as TlsServerOptions;
            var recorder = new HandshakeStream(transport, prefix);
            CertificateVerdict? verdict = null;
            string? serverName = client == null ? null : client.ServerName ?? targetHost;
            var ssl = new SslStream(
                recorder,
                leaveInnerStreamOpen: false,
                (sender, certificate, chain, errors) =>
                {
                    verdict = CertificateValidator.Evaluate(certificate, chain, errors, options, client != null, serverName);
                    return verdict.Accepted;
                },
                client?.ClientCertificate == null ? null : new LocalCertificateSelectionCallback((s, host, local, remote, issuers) => client.ClientCertificate));

            Task handshake;
            try
            {
                handshake = client != null
                    ? ssl.AuthenticateAsClientAsync(serverName ?? string.Empty, ClientCertificates(client), options.Protocols, false)
                    : ssl.AuthenticateAsServerAsync(server!.Certificate, server.RequireClientCertificate, options.Protocols, false);
            }
            catch (Exception e) when (e is ArgumentException || e is AuthenticationException || e is NotSupportedException || e is InvalidOperationException)
            {
                ssl.Dispose();
                throw new TlsFailureException(ErrorIds.TlsHandshakeFailed, $"The TLS handshake with {peer} could not start: {e.Message}", target, e, null);
            }

            bool finished;
            try
            {
                finished = await TaskWaiter.WaitAsync(handshake, deadline, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ssl.Dispose();
                TaskWaiter.Forget(handshake);
                throw;
            }

            if (!finished)
            {
                ssl.Dispose();
                TaskWaiter.Forget(handshake);
                string heard = recorder.PeerSpokeTls == false ? $" It sent '{recorder.FirstBytesText()}', which is not TLS." : string.Empty;
                string id = recorder.PeerSpokeTls == false ? ErrorIds.TlsNotSpokenByPeer : ErrorIds.TlsHandshakeTimedOut;
                throw new TlsFailureException(id, $"The TLS handshake with {peer} did not finish within {deadline.TimeoutMilliseconds} ms.{heard}", target, null, verdict?.Facts);
            }

            try
            {
                await handshake.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ssl.Dispose();
                throw Classify(e, verdict, recorder, peer, target);
            }

            TlsInfo info = verdict?.Facts ?? new TlsInfo { IsServer = client == null, ServerName = serverName };
            info.Protocol = TlsProtocols.Describe(ssl.SslProtocol);
            info.CipherSuite = CipherSuiteOf(ssl);
            info.IsMutuallyAuthenticated = ssl.IsMutuallyAuthenticated;
            return new TlsHandshakeResult(ssl, info);
        }

        /// <summary>The negotiated suite by name where the runtime has it, else its parts (netstandard2.0 API).</summary>
        public static string CipherSuiteOf(SslStream ssl)
        {
            if (RuntimeProbes.NegotiatedCipherSuite != null)
            {
                try
                {
                    string? name = RuntimeProbes.NegotiatedCipherSuite.GetValue(ssl)?.ToString();
                    if (!string.IsNullOrEmpty(name))
                    {
                        return name!;
                    }
                }
                catch (TargetInvocationException)
                {
                    // Fall back to the parts below.
                }
            }

            return $"{ssl.CipherAlgorithm} {ssl.CipherStrength}-bit, {ssl.HashAlgorithm}, {ssl.KeyExchangeAlgorithm}";
        }

        private static X509CertificateCollection ClientCertificates(TlsClientOptions client)
        {
            var certificates = new X509CertificateCollection();
            if (client.ClientCertificate != null)
            {
                certificates.Add(client.ClientCertificate);
            }

            return certificates;
        }

        private static SocketSessionException Classify(Exception error, CertificateVerdict? verdict, HandshakeStream recorder, string peer, object? target)
        {
            if (verdict != null && !verdict.Accepted)
            {
                return new TlsFailureException(verdict.ErrorId!, verdict.Message!, target, error, verdict.Facts);
            }

            if (recorder.PeerSpokeTls == false)
            {
                return new TlsFailureException(
                    ErrorIds.TlsNotSpokenByPeer,
                    $"{peer} does not speak TLS: it sent '{recorder.FirstBytesText()}'. Connect without TLS, or use STARTTLS (Start-SocketTls) if the protocol has it.",
                    target,
                    error,
                    null);
            }

            string reason = recorder.PeerSpokeTls == null
                ? "the peer closed the connection without answering in TLS"
                : TlsCause.Describe(error);
            string id = recorder.PeerSpokeTls == null ? ErrorIds.TlsHandshakeFailed : TlsCause.AlertId(error) ?? ErrorIds.TlsHandshakeFailed;
            return new TlsFailureException(id, $"The TLS handshake with {peer} failed: {reason}.", target, error, verdict?.Facts);
        }
    }
}
