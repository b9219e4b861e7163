namespace PSSocket.Tls.StartTls
{
    /// <summary>The protocols whose STARTTLS upgrade Connect-Socket and Test-SocketPort -StartTls can run, as openssl s_client -starttls names them.</summary>
    public enum StartTlsProtocol
    {
        /// <summary>No STARTTLS: TLS from the first byte (with -UseTls), or plain TCP. Lets a CSV row say so.</summary>
        Off,

        /// <summary>SMTP (25, 587): EHLO, then STARTTLS (RFC 3207).</summary>
        Smtp,

        /// <summary>IMAP (143): CAPABILITY, then STARTTLS (RFC 3501).</summary>
        Imap,

        /// <summary>POP3 (110): CAPA, then STLS (RFC 2595).</summary>
        Pop3,

        /// <summary>FTP (21): FEAT, then AUTH TLS (RFC 4217).</summary>
        Ftp,

        /// <summary>PostgreSQL (5432): the SSLRequest message.</summary>
        Postgres,

        /// <summary>LDAP (389): the StartTLS extended operation (RFC 4511).</summary>
        Ldap,
    }
}
