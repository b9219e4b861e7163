using System;

namespace PSSocket.HealthChecks
{

    /// <summary>
    /// One target and port, checked. Plain data (strings, numbers, dates, string arrays) so it keeps every property
    /// through PowerShell serialization: Invoke-Command, jobs, ForEach-Object -Parallel, Export-Clixml. The TLS
    /// facts are flat properties, so Export-Csv and Format-Table show them too.
    /// </summary>
    public sealed class PortCheckResult
    {
        /// <summary>The name or address as given.</summary>
        public string ComputerName { get; set; } = string.Empty;

        /// <summary>The address that answered, or the last one tried; null when the name did not resolve, or was the proxy's to resolve.</summary>
        public string? RemoteAddress { get; set; }

        public int Port { get; set; }

        /// <summary>The proxy the check went through (its URI without a credential); null for a direct check.</summary>
        public string? Proxy { get; set; }

        /// <summary>The STARTTLS protocol the check ran (Smtp, Imap, ...), or Off; binds back to Test-SocketPort -StartTls.</summary>
        public string StartTls { get; set; } = "Off";

        /// <summary>
        /// Open, Refused, TimedOut, NameNotResolved, Unreachable, TlsFailed, CertificateExpired, CertificateExpiring,
        /// CertificateUntrusted, CertificateNameMismatch, CertificateRevoked, StartTlsFailed, UnexpectedResponse or ProxyFailed (see PortStatus).
        /// </summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>True when Status is Open.</summary>
        public bool Success { get; set; }

        /// <summary>How long the TCP connect to RemoteAddress took (or took to fail), in milliseconds; through a proxy, the connect to it and the tunnel.</summary>
        public double? LatencyMs { get; set; }

        /// <summary>The operating system's socket error (ConnectionRefused, HostUnreachable, ...), when there was one.</summary>
        public string? SocketError { get; set; }

        /// <summary>The module's error id for a failed check (the ids of about_PSSocket); null when Open.</summary>
        public string? ErrorId { get; set; }

        /// <summary>What went wrong, in a sentence; null when Open.</summary>
        public string? Message { get; set; }

        /// <summary>With -Expect: the text received (up to 4096 characters), matched or not.</summary>
        public string? Response { get; set; }

        /// <summary>With -UseTls: the negotiated version (Tls12, Tls13, ...).</summary>
        public string? TlsProtocol { get; set; }

        public string? TlsCipherSuite { get; set; }

        public string? CertificateSubject { get; set; }

        public string? CertificateIssuer { get; set; }

        public string[]? CertificateSubjectAlternativeNames { get; set; }

        public DateTime? CertificateNotBefore { get; set; }

        public DateTime? CertificateNotAfter { get; set; }

        /// <summary>Whole days until CertificateNotAfter; negative once expired.</summary>
        public int? CertificateDaysUntilExpiry { get; set; }

        public string? CertificateThumbprint { get; set; }

        public bool? CertificateChainValid { get; set; }

        /// <summary>The chain's problems (UntrustedRoot, PartialChain, NotTimeValid, ...); empty when valid.</summary>
        public string[]? CertificateChainStatus { get; set; }

        public bool? CertificateNameMatches { get; set; }

        /// <summary>With -RevocationMode: Good, Revoked or Unknown; NotChecked without it.</summary>
        public string? CertificateRevocationStatus { get; set; }

        public override string ToString() => $"{ComputerName}:{Port} {Status}";
    }
}
