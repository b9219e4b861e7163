using System.IO;
using System.Linq;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;

namespace PSSocket.Tls
{
    /// <summary>Loads certificates from PFX (PKCS#12) or PEM files and checks that a certificate can prove who it is.</summary>
    internal static class CertificateLoader
    {
        /// <summary>
        /// A PFX file, or PEM (told apart by content, not by the file's extension) with its key in the same file or
        /// in <paramref name="keyPath"/>. Paths are file system paths, already resolved.
        /// </summary>
        public static X509Certificate2 Load(string path, string? keyPath, SecureString? password, bool needPrivateKey)
        {
            if (!File.Exists(path))
            {
                throw new SocketSessionException(ErrorIds.PathNotFound, $"The certificate file '{path}' does not exist.", path);
            }

            if (keyPath != null && !File.Exists(keyPath))
            {
                throw new SocketSessionException(ErrorIds.PathNotFound, $"The key file '{keyPath}' does not exist.", keyPath);
            }

            byte[] start = new byte[4096];
            int read;
            using (FileStream file = File.OpenRead(path))
            {
                read = file.Read(start, 0, start.Length);
            }

            if (PemReader.LooksLikePem(start.Take(read).ToArray()))
            {
                return PemCertificates.Load(path, keyPath, password, needPrivateKey);
            }

            if (read == 0 || start[0] != 0x30)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateFormatUnsupported,
                    $"'{path}' is neither PEM text nor a PFX (PKCS#12) file.",
                    path);
            }

            if (keyPath != null)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateFormatUnsupported,
                    $"A key file goes with a PEM certificate; '{path}' is not PEM (a PFX file holds its own key).",
                    keyPath);
            }

            return LoadPfx(path, password, needPrivateKey);
        }

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
                    $"Cannot load the certificate '{path}': {e.Message.TrimEnd('.')}. The file must be a PFX (PKCS#12) or PEM file, and a PFX file's password given as a SecureString (-CertificatePassword or -ClientCertificatePassword).",
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
