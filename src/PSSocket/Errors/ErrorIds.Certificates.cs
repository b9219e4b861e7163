namespace PSSocket.Errors
{
    /// <summary>The error ids of certificate files, STARTTLS dialogues and certificate verdicts.</summary>
    public static partial class ErrorIds
    {
        /// <summary>A PEM certificate whose file has no private key, and no -KeyPath naming one.</summary>
        public const string CertificateKeyMissing = "CertificateKeyMissing";

        /// <summary>The private key is not the one of the certificate.</summary>
        public const string CertificateKeyMismatch = "CertificateKeyMismatch";

        /// <summary>
        /// A file that is neither PFX nor PEM, a PEM file without the block needed, a legacy-encrypted PEM key, or
        /// a PEM key on a runtime that cannot import one (Windows PowerShell 5.1).
        /// </summary>
        public const string CertificateFormatUnsupported = "CertificateFormatUnsupported";

        /// <summary>An encrypted PEM key given without -CertificatePassword (-ClientCertificatePassword).</summary>
        public const string CertificatePasswordRequired = "CertificatePasswordRequired";

        /// <summary>The server's greeting or capabilities do not offer STARTTLS.</summary>
        public const string StartTlsNotOffered = "StartTlsNotOffered";

        /// <summary>The server answered the STARTTLS request with a refusal.</summary>
        public const string StartTlsRefused = "StartTlsRefused";

        /// <summary>The server's reply in the STARTTLS dialogue is not the protocol's, or did not come in time.</summary>
        public const string StartTlsFailed = "StartTlsFailed";

        /// <summary>Test-SocketPort: the certificate is valid but expires within -MinimumDaysValid days.</summary>
        public const string CertificateExpiring = "CertificateExpiring";

        /// <summary>The certificate or one of its chain is revoked (with -RevocationMode Online or Offline).</summary>
        public const string TlsCertificateRevoked = "TlsCertificateRevoked";
    }
}
