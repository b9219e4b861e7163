using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;

namespace PSSocket.Tls
{

    /// <summary>
    /// Decides whether a peer certificate is good: a chain to a trusted root (the system's, or the trust anchors
    /// given instead), within its validity period, and, on the client side, issued for the name connected to.
    /// </summary>
    internal static class CertificateValidator
    {
        /// <summary>Chain problems that do not apply when the chain reaches one of the user's trust anchors.</summary>
        private static readonly X509ChainStatusFlags AnchorlessFlags = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain;

        public static CertificateVerdict Evaluate(
            X509Certificate? certificate, X509Chain? chain, SslPolicyErrors policyErrors, TlsOptions options, bool isClient, string? serverName)
        {
            var verdict = new CertificateVerdict();
            verdict.Facts.IsServer = !isClient;
            verdict.Facts.ServerName = isClient ? serverName : null;
            if (certificate == null)
            {
                return NoCertificate(verdict, options, isClient);
            }

            X509Certificate2 peer = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            DateTime now = DateTime.Now;
            CertificateFacts.CopyTo(peer, verdict.Facts, now);

            X509ChainStatusFlags problems = ChainProblems(peer, options.RevocationMode == X509RevocationMode.NoCheck ? chain : null, options.TrustedCertificates, options.RevocationMode);
            verdict.Facts.RevocationStatus = RevocationStatus.From(options.RevocationMode, problems);
            problems &= ~RevocationStatus.UndecidedFlags;
            bool outsideValidity = now < peer.NotBefore || now > peer.NotAfter;
            if (outsideValidity)
            {
                problems |= X509ChainStatusFlags.NotTimeValid;
            }

            verdict.Facts.ChainValid = problems == X509ChainStatusFlags.NoError;
            verdict.Facts.ChainStatus = Names(problems);
            verdict.Facts.NameMatches = isClient ? (policyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 : (bool?)null;

            string who = isClient ? "server" : "client";
            if ((problems & X509ChainStatusFlags.Revoked) != 0)
            {
                verdict.ErrorId = ErrorIds.TlsCertificateRevoked;
                verdict.Message = $"The {who} certificate '{peer.Subject}' (or a certificate of its chain) is revoked by its issuer.";
            }
            else if ((problems & X509ChainStatusFlags.NotTimeValid) != 0)
            {
                verdict.ErrorId = ErrorIds.TlsCertificateExpired;
                verdict.Message = now < peer.NotBefore && !(now > peer.NotAfter)
                    ? $"The {who} certificate '{peer.Subject}' is not valid before {peer.NotBefore:u}."
                    : $"The {who} certificate '{peer.Subject}' (or a certificate of its chain) expired; it is valid until {peer.NotAfter:u}.";
            }
            else if (problems != X509ChainStatusFlags.NoError)
            {
                verdict.ErrorId = ErrorIds.TlsUntrustedCertificate;
                verdict.Message = $"The {who} certificate '{peer.Subject}', issued by '{peer.Issuer}', is not trusted: {string.Join(", ", verdict.Facts.ChainStatus)}."
                    + (options.TrustedCertificates?.Count > 0 ? " None of the -TrustedCertificate certificates is in its chain." : " Its chain does not reach a root this machine trusts; -TrustedCertificate names a CA to trust instead.");
            }
            else if (verdict.Facts.NameMatches == false)
            {
                verdict.ErrorId = ErrorIds.TlsNameMismatch;
                string names = verdict.Facts.SubjectAlternativeNames.Length > 0 ? string.Join(", ", verdict.Facts.SubjectAlternativeNames) : peer.Subject;
                verdict.Message = $"The server certificate is for {names}, not for '{serverName}'. -ServerName checks another name.";
            }

            verdict.Facts.CertificateError = verdict.ErrorId;
            verdict.Accepted = verdict.ErrorId == null || options.SkipCertificateCheck;
            return verdict;
        }

        private static CertificateVerdict NoCertificate(CertificateVerdict verdict, TlsOptions options, bool isClient)
        {
            if (isClient)
            {
                verdict.ErrorId = ErrorIds.TlsHandshakeFailed;
                verdict.Message = "The server sent no certificate.";
                verdict.Accepted = options.SkipCertificateCheck;
            }
            else if (options is TlsServerOptions server && server.RequireClientCertificate)
            {
                verdict.ErrorId = ErrorIds.TlsClientCertificateRequired;
                verdict.Message = "The client sent no certificate, and this listener requires one.";
                verdict.Accepted = false;
            }
            else
            {
                verdict.Accepted = true;
            }

            verdict.Facts.CertificateError = verdict.ErrorId;
            return verdict;
        }

        /// <summary>
        /// The chain's problems. With trust anchors, the chain is built again with them as candidates and is
        /// trusted only when one of them is in it (a CA, or the peer's own certificate pinned); the system's
        /// roots then count for nothing, as with curl --cacert. Revocation is checked only when asked for: then the
        /// chain is always built here, since SslStream's own was built without it.
        /// </summary>
        private static X509ChainStatusFlags ChainProblems(X509Certificate2 peer, X509Chain? given, X509Certificate2Collection? anchors, X509RevocationMode revocation)
        {
            if (anchors == null || anchors.Count == 0)
            {
                if (given != null && given.ChainElements.Count > 0)
                {
                    return Union(given.ChainStatus);
                }

                using var built = NewChain(revocation);
                built.Build(peer);
                return Union(built.ChainStatus);
            }

            using X509Chain chain = NewChain(revocation);
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            chain.ChainPolicy.ExtraStore.AddRange(anchors);
            if (revocation != X509RevocationMode.NoCheck)
            {
                CustomRootTrust.Apply(chain, anchors);
            }
            if (given != null)
            {
                chain.ChainPolicy.ExtraStore.AddRange(given.ChainPolicy.ExtraStore);
                foreach (X509ChainElement element in given.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            chain.Build(peer);
            int anchorAt = -1;
            for (int i = 0; i < chain.ChainElements.Count && anchorAt < 0; i++)
            {
                byte[] raw = chain.ChainElements[i].Certificate.RawData;
                if (anchors.Cast<X509Certificate2>().Any(a => a.RawData.SequenceEqual(raw)))
                {
                    anchorAt = i;
                }
            }

            if (anchorAt < 0)
            {
                X509ChainStatusFlags problems = Union(chain.ChainStatus);
                return (problems & AnchorlessFlags) != 0 ? problems : problems | X509ChainStatusFlags.UntrustedRoot;
            }

            X509ChainStatusFlags found = X509ChainStatusFlags.NoError;
            for (int i = 0; i <= anchorAt; i++)
            {
                found |= Union(chain.ChainElements[i].ChainElementStatus);
            }

            return found & ~AnchorlessFlags;
        }

        private static X509Chain NewChain(X509RevocationMode revocation)
        {
            var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = revocation;
            chain.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
            return chain;
        }

        private static X509ChainStatusFlags Union(IEnumerable<X509ChainStatus> statuses)
        {
            X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
            foreach (X509ChainStatus status in statuses)
            {
                flags |= status.Status;
            }

            return flags;
        }

        private static string[] Names(X509ChainStatusFlags flags) =>
            Enum.GetValues(typeof(X509ChainStatusFlags))
                .Cast<X509ChainStatusFlags>()
                .Where(f => f != X509ChainStatusFlags.NoError && (flags & f) == f)
                .Select(f => f.ToString())
                .Distinct()
                .ToArray();
    }
}
