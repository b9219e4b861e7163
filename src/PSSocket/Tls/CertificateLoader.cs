using System;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;

namespace PSSocket.Tls
{
    /// <summary>Loads certificates from PFX (PKCS#12) files and checks that a certificate can prove who it is.</summary>
    internal static class CertificateLoader
    {
        /// <param name="path">A file system path, already resolved against PowerShell's current location.</param>
        public static X509Certificate2 LoadPfx(string path, SecureString? password, bool needPrivateKey)
        {
            if (!File.Exists(path))
            {
                throw new SocketSessionException(ErrorIds.PathNotFound, $"The certificate file '{path}' does not exist.", path);
            }

            X509Certificate2 certificate;
            try
            {
                certificate = password == null ? new X509Certificate2(path) : new X509Certificate2(path, password);
            }
            catch (CryptographicException e)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateLoadFailed,
                    $"Cannot load the certificate '{path}': {e.Message.TrimEnd('.')}. The file must be a PFX (PKCS#12) file, and its password given as a SecureString (-CertificatePassword or -ClientCertificatePassword).",
                    path,
                    e);
            }

            if (needPrivateKey)
            {
                RequirePrivateKey(certificate, path);
            }

            return certificate;
        }

        public static void RequirePrivateKey(X509Certificate2 certificate, object target)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateHasNoPrivateKey,
                    $"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key, so it cannot prove who this end is. Use a PFX file or a certificate from a store with its key.",
                    target);
            }
        }
    }
}
