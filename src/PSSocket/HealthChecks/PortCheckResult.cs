using System;

namespace PSSocket.HealthChecks
{
    /// <summary>The statuses a port check ends with: PortCheckResult.Status is one of these strings.</summary>
    public static class PortStatus
    {
        /// <summary>The port accepted the connection (and the TLS handshake and the probe, when asked for, passed).</summary>
        public const string Open = "Open";

        /// <summary>Every address refused the connection: nothing listens there.</summary>
        public const string Refused = "Refused";

        /// <summary>No answer within the timeout: a firewall dropping packets, a host that is down, a full backlog.</summary>
        public const string TimedOut = "TimedOut";

        /// <summary>The name did not resolve (or had no address of the family asked for).</summary>
        public const string NameNotResolved = "NameNotResolved";

        /// <summary>No route to the host or its network, or another socket error.</summary>
        public const string Unreachable = "Unreachable";

        /// <summary>The port accepted the connection, but the TLS handshake failed (ErrorId says which).</summary>
        public const string TlsFailed = "TlsFailed";

        /// <summary>The certificate (or one of its chain) is outside its validity period.</summary>
        public const string CertificateExpired = "CertificateExpired";

        /// <summary>The certificate is good, but expires within -MinimumDaysValid days.</summary>
        public const string CertificateExpiring = "CertificateExpiring";

        /// <summary>The certificate's chain does not reach a trusted root (self-signed, unknown CA, missing intermediate).</summary>
        public const string CertificateUntrusted = "CertificateUntrusted";

        /// <summary>The certificate is not issued for the name checked (the host name or -ServerName).</summary>
        public const string CertificateNameMismatch = "CertificateNameMismatch";

        /// <summary>With -RevocationMode: the certificate or one of its chain is revoked.</summary>
        public const string CertificateRevoked = "CertificateRevoked";

        /// <summary>With -StartTls: the server did not offer STARTTLS, refused it, or broke the dialogue (ErrorId says which).</summary>
        public const string StartTlsFailed = "StartTlsFailed";

        /// <summary>The port accepted the connection, but the reply did not match -Expect in time.</summary>
        public const string UnexpectedResponse = "UnexpectedResponse";
    }

    /// <summary>
    /// One target and port, checked. Plain data (strings, numbers, dates, string arrays) so it keeps every property
    /// through PowerShell serialization: Invoke-Command, jobs, ForEach-Object -Parallel, Export-Clixml. The TLS
    /// facts are flat properties, so Export-Csv and Format-Table show them too.
    /// </summary>
    public sealed class PortCheckResult
    {
        /// <summary>The name or address as given.</summary>
        public string ComputerName { get; set; } = string.Empty;

        /// <summary>The address that answered, or the last one tried; null when the name did not resolve.</summary>
        public string? RemoteAddress { get; set; }

        public int Port { get; set; }

        /// <summary>The STARTTLS protocol the check ran (Smtp, Imap, ...), or Off; binds back to Test-SocketPort -StartTls.</summary>
        public string StartTls { get; set; } = "Off";

        /// <summary>
        /// Open, Refused, TimedOut, NameNotResolved, Unreachable, TlsFailed, CertificateExpired, CertificateExpiring,
        /// CertificateUntrusted, CertificateNameMismatch, CertificateRevoked, StartTlsFailed or UnexpectedResponse (see PortStatus).
        /// </summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>True when Status is Open.</summary>
        public bool Success { get; set; }

        /// <summary>How long the TCP connect to RemoteAddress took (or took to fail), in milliseconds.</summary>
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
