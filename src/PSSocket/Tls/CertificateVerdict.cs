namespace PSSocket.Tls
{
    /// <summary>What checking a peer certificate found: the facts for TlsInfo, and the error id when it failed.</summary>
    internal sealed class CertificateVerdict
    {
        public TlsInfo Facts { get; } = new TlsInfo();

        /// <summary>Null when the certificate passed (or the peer had none to send and none was required).</summary>
        public string? ErrorId { get; set; }

        public string? Message { get; set; }

        /// <summary>Whether the handshake may go on: the certificate passed, or the user opted out of the check.</summary>
        public bool Accepted { get; set; }
    }
}
