using System;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>
    /// What a TLS handshake settled and what the peer's certificate says: plain data (strings, numbers, dates and
    /// string arrays), so it keeps its properties through PowerShell serialization (Invoke-Command, jobs, Export-Clixml).
    /// </summary>
    public sealed class TlsInfo
    {
        /// <summary>The negotiated version: Tls, Tls11, Tls12 or Tls13.</summary>
        public string Protocol { get; set; } = string.Empty;

        /// <summary>The negotiated cipher suite (TLS_AES_256_GCM_SHA384), or its parts where the runtime does not name it.</summary>
        public string CipherSuite { get; set; } = string.Empty;

        /// <summary>Client side: the name sent as SNI and checked against the certificate. Server side: null.</summary>
        public string? ServerName { get; set; }

        /// <summary>True when this end authenticated as the server (a listener's connection, or Start-SocketTls with a certificate).</summary>
        public bool IsServer { get; set; }

        /// <summary>True when both ends presented certificates.</summary>
        public bool IsMutuallyAuthenticated { get; set; }

        /// <summary>The peer's certificate: its subject; null when the peer sent none (a client without a certificate).</summary>
        public string? Subject { get; set; }

        public string? Issuer { get; set; }

        /// <summary>The peer's certificate itself (a copy), for what the facts here leave out; null when the peer sent none.</summary>
        public X509Certificate2? Certificate { get; set; }

        /// <summary>The DNS names, IP addresses, e-mail addresses and URIs of the subject alternative name extension.</summary>
        public string[] SubjectAlternativeNames { get; set; } = new string[0];

        public DateTime? NotBefore { get; set; }

        public DateTime? NotAfter { get; set; }

        /// <summary>Whole days from the handshake until NotAfter; negative once the certificate has expired.</summary>
        public int? DaysUntilExpiry { get; set; }

        /// <summary>SHA-1 thumbprint, as Windows and Get-PfxCertificate show it.</summary>
        public string? Thumbprint { get; set; }

        public string? SerialNumber { get; set; }

        /// <summary>True when the chain built to a trusted root (the system's, or -TrustedCertificate) with no error.</summary>
        public bool ChainValid { get; set; }

        /// <summary>The chain problems (X509ChainStatusFlags names such as UntrustedRoot, PartialChain, NotTimeValid); empty when valid.</summary>
        public string[] ChainStatus { get; set; } = new string[0];

        /// <summary>
        /// NotChecked (no -RevocationMode), Good, Revoked, or Unknown (no CRL or OCSP answer could be had, as is
        /// usual offline); see RevocationStatus in about_PSSocket.
        /// </summary>
        public string RevocationStatus { get; set; } = Tls.RevocationStatus.NotChecked;

        /// <summary>Client side: whether the certificate matches ServerName. Server side: null.</summary>
        public bool? NameMatches { get; set; }

        /// <summary>
        /// The error id validation found (TlsUntrustedCertificate, TlsNameMismatch, TlsCertificateExpired, ...), or
        /// null. Only a session made with -SkipCertificateCheck can be connected while this is set.
        /// </summary>
        public string? CertificateError { get; set; }

        public override string ToString() => Subject == null ? $"{Protocol} {CipherSuite}" : $"{Protocol} {CipherSuite} {Subject}";
    }
}
