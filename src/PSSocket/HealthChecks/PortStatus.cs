namespace PSSocket.HealthChecks
{
    /// <summary>The statuses a port check ends with: PortCheckResult.Status is one of these strings.</summary>
    internal static class PortStatus
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

        /// <summary>With -Proxy: the proxy could not be reached or would not carry the check (ErrorId says which); the port's state is unknown.</summary>
        public const string ProxyFailed = "ProxyFailed";
    }
}
