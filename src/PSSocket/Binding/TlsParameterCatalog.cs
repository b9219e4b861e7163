using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Tls;

namespace PSSocket.Binding
{
    /// <summary>
    /// The TLS parameters, declared once for Connect-Socket, Test-SocketPort, Start-SocketTls and
    /// Start-SocketListener. Their help is written once too, in docs/en-US/shared/SharedParameters.md.
    /// </summary>
    internal static class TlsParameterCatalog
    {
        public static readonly SharedParameter ServerName = new SharedParameter(nameof(ServerName), typeof(string), new string[0], NotNullOrEmpty);

        public static readonly SharedParameter SkipCertificateCheck = new SharedParameter(nameof(SkipCertificateCheck), typeof(SwitchParameter));

        public static readonly SharedParameter TrustedCertificate = new SharedParameter(
            nameof(TrustedCertificate), typeof(X509Certificate2[]), new string[0], () => new Attribute[] { new ValidateNotNullOrEmptyAttribute(), new CertificateBundleTransformationAttribute() });

        public static readonly SharedParameter TrustedCertificatePath = new SharedParameter(nameof(TrustedCertificatePath), typeof(string[]), new string[0], NotNullOrEmpty);

        public static readonly SharedParameter ClientCertificate = new SharedParameter(nameof(ClientCertificate), typeof(X509Certificate2));

        public static readonly SharedParameter ClientCertificatePath = new SharedParameter(nameof(ClientCertificatePath), typeof(string), new string[0], NotNullOrEmpty);

        public static readonly SharedParameter ClientCertificateKeyPath = new SharedParameter(nameof(ClientCertificateKeyPath), typeof(string), new string[0], NotNullOrEmpty);

        public static readonly SharedParameter ClientCertificatePassword = new SharedParameter(nameof(ClientCertificatePassword), typeof(SecureString));

        public static readonly SharedParameter Certificate = new SharedParameter(nameof(Certificate), typeof(X509Certificate2));

        public static readonly SharedParameter CertificatePath = new SharedParameter(nameof(CertificatePath), typeof(string), new string[0], NotNullOrEmpty);

        public static readonly SharedParameter KeyPath = new SharedParameter(nameof(KeyPath), typeof(string), new string[0], NotNullOrEmpty);

        public static readonly SharedParameter CertificatePassword = new SharedParameter(nameof(CertificatePassword), typeof(SecureString));

        public static readonly SharedParameter RequireClientCertificate = new SharedParameter(nameof(RequireClientCertificate), typeof(SwitchParameter));

        public static readonly SharedParameter RevocationMode = new SharedParameter(nameof(RevocationMode), typeof(X509RevocationMode));

        public static readonly SharedParameter TlsProtocol = new SharedParameter(nameof(TlsProtocol), typeof(TlsProtocol[]), "SslProtocol");

        /// <summary>The checks of the peer's certificate and the versions, which client and server both take, in every parameter set.</summary>
        public static SharedParameterUse[] Trust => new[] { SkipCertificateCheck.Everywhere, TrustedCertificate.Everywhere, TrustedCertificatePath.Everywhere, TlsProtocol.Everywhere };

        /// <summary>The client's name for the server and its own certificate, in <paramref name="sets"/> (none: every set).</summary>
        public static SharedParameterUse[] ClientIdentity(params string[] sets) => new[]
        {
            ServerName.In(sets), ClientCertificate.In(sets), ClientCertificatePath.In(sets), ClientCertificateKeyPath.In(sets), ClientCertificatePassword.In(sets),
        };

        /// <summary>Every TLS parameter: the ones that apply only to TLS are these, less those that ask for it.</summary>
        public static readonly SharedParameter[] All =
        {
            ServerName, SkipCertificateCheck, TrustedCertificate, TrustedCertificatePath, ClientCertificate, ClientCertificatePath,
            ClientCertificateKeyPath, ClientCertificatePassword, Certificate, CertificatePath, KeyPath, CertificatePassword,
            RequireClientCertificate, RevocationMode, TlsProtocol,
        };

        private static Attribute[] NotNullOrEmpty() => new Attribute[] { new ValidateNotNullOrEmptyAttribute() };
    }
}
