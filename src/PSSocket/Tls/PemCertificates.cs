using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;

namespace PSSocket.Tls
{
    /// <summary>
    /// Certificates and keys from PEM files as nginx, openssl and most Linux services keep them: the certificate
    /// first (a chain after it is allowed), the key in the same file or its own; PKCS#8, PKCS#1 (RSA) and SEC1 (EC)
    /// keys, and encrypted PKCS#8 keys with a password.
    /// </summary>
    internal static class PemCertificates
    {
        private const string EncryptedKey = "ENCRYPTED PRIVATE KEY";

        /// <summary>The first CERTIFICATE of <paramref name="certificatePath"/>, with its key when <paramref name="needPrivateKey"/>.</summary>
        public static X509Certificate2 Load(string certificatePath, string? keyPath, SecureString? password, bool needPrivateKey)
        {
            List<PemBlock> blocks = Blocks(certificatePath);
            PemBlock? first = blocks.FirstOrDefault(b => b.Label == "CERTIFICATE");
            if (first == null)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateFormatUnsupported,
                    $"The PEM file '{certificatePath}' holds no CERTIFICATE block (it has {Describe(blocks)}). Give the certificate's file as -CertificatePath and its key as -KeyPath.",
                    certificatePath);
            }

            var certificate = new X509Certificate2(first.Data);
            if (!needPrivateKey)
            {
                return certificate;
            }

            string keyFile = keyPath ?? certificatePath;
            List<PemBlock> keyBlocks = keyPath == null ? blocks : Blocks(keyPath);
            PemBlock? key = keyBlocks.FirstOrDefault(b => b.IsPrivateKey);
            if (key == null)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateKeyMissing,
                    keyPath == null
                        ? $"The PEM file '{certificatePath}' holds the certificate '{certificate.Subject}' but no private key. Name the key's file with -KeyPath (or -ClientCertificateKeyPath)."
                        : $"The key file '{keyPath}' holds no PRIVATE KEY block (it has {Describe(keyBlocks)}).",
                    keyFile);
            }

            return WithKey(certificate, key, keyFile, password);
        }

        /// <summary>Every CERTIFICATE of a PEM bundle (or the one certificate of a DER file): trust anchors need no key.</summary>
        public static X509Certificate2Collection LoadBundle(string path)
        {
            byte[] content = Read(path);
            var certificates = new X509Certificate2Collection();
            if (!PemReader.LooksLikePem(content))
            {
                try
                {
                    certificates.Add(new X509Certificate2(content));
                    return certificates;
                }
                catch (CryptographicException e)
                {
                    throw new SocketSessionException(
                        ErrorIds.CertificateFormatUnsupported, $"'{path}' is neither a PEM bundle nor a DER certificate: {e.Message.TrimEnd('.')}.", path, e);
                }
            }

            foreach (PemBlock block in Parse(content, path).Where(b => b.Label == "CERTIFICATE"))
            {
                certificates.Add(new X509Certificate2(block.Data));
            }

            if (certificates.Count == 0)
            {
                throw new SocketSessionException(ErrorIds.CertificateFormatUnsupported, $"The PEM file '{path}' holds no CERTIFICATE block.", path);
            }

            return certificates;
        }

        private static X509Certificate2 WithKey(X509Certificate2 certificate, PemBlock key, string keyFile, SecureString? password)
        {
            if (key.HasHeaders)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateFormatUnsupported,
                    $"The key in '{keyFile}' uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED), which .NET cannot read. Convert it to encrypted PKCS#8: openssl pkcs8 -topk8 -in old.key -out new.key.",
                    keyFile);
            }

            if (!RuntimePemKeys.Available)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificateFormatUnsupported,
                    $"This runtime ({RuntimeInformation.FrameworkDescription}) cannot read PEM private keys; PowerShell 7 can. Convert the certificate and key to PFX: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx.",
                    keyFile);
            }

            bool encrypted = key.Label == EncryptedKey;
            if (encrypted && password == null)
            {
                throw new SocketSessionException(
                    ErrorIds.CertificatePasswordRequired,
                    $"The key in '{keyFile}' is encrypted; give its password as a SecureString (-CertificatePassword or -ClientCertificatePassword).",
                    keyFile);
            }

            string? plainPassword = encrypted ? Plain(password!) : null;
            bool isRsa = certificate.GetRSAPublicKey() != null;
            AsymmetricAlgorithm imported = isRsa ? (AsymmetricAlgorithm)RSA.Create() : ECDsa.Create();
            try
            {
                RuntimePemKeys.ImportInto(imported, key.Text, plainPassword);
            }
            catch (Exception e) when (e is CryptographicException || e is ArgumentException)
            {
                imported.Dispose();
                throw ImportFailure(certificate, key, keyFile, plainPassword, isRsa, e);
            }

            using (imported)
            {
                X509Certificate2 joined;
                try
                {
                    joined = RuntimePemKeys.CopyWithPrivateKey(certificate, imported);
                }
                catch (ArgumentException e)
                {
                    throw Mismatch(certificate, keyFile, e);
                }

                // A PFX round trip gives a key that every TLS stack takes; SChannel refuses the ephemeral key of an import.
                using (joined)
                {
                    return new X509Certificate2(joined.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.Exportable);
                }
            }
        }

        /// <summary>Why a key did not import: a key of the other algorithm is a mismatch; else a wrong password or a malformed key.</summary>
        private static SocketSessionException ImportFailure(
            X509Certificate2 certificate, PemBlock key, string keyFile, string? password, bool isRsa, Exception error)
        {
            using (AsymmetricAlgorithm other = isRsa ? (AsymmetricAlgorithm)ECDsa.Create() : RSA.Create())
            {
                try
                {
                    RuntimePemKeys.ImportInto(other, key.Text, password);
                    return Mismatch(certificate, keyFile, error);
                }
                catch (Exception e) when (e is CryptographicException || e is ArgumentException)
                {
                    // Not the other kind either: the message below says what is wrong.
                }
            }

            string reason = password != null
                ? "it cannot be decrypted with that password"
                : $"it is not a valid {(isRsa ? "RSA" : "ECDSA")} key ({error.Message.TrimEnd('.')})";
            return new SocketSessionException(ErrorIds.CertificateLoadFailed, $"Cannot load the key in '{keyFile}': {reason}.", keyFile, error);
        }

        private static SocketSessionException Mismatch(X509Certificate2 certificate, string keyFile, Exception error) =>
            new SocketSessionException(
                ErrorIds.CertificateKeyMismatch,
                $"The key in '{keyFile}' does not belong to the certificate '{certificate.Subject}' ({certificate.Thumbprint}).",
                keyFile,
                error);

        private static List<PemBlock> Blocks(string path) => Parse(Read(path), path);

        private static List<PemBlock> Parse(byte[] content, string path)
        {
            try
            {
                return PemReader.Read(System.Text.Encoding.ASCII.GetString(content));
            }
            catch (FormatException e)
            {
                throw new SocketSessionException(ErrorIds.CertificateFormatUnsupported, $"'{path}' is not a valid PEM file: {e.Message}", path, e);
            }
        }

        private static byte[] Read(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new SocketSessionException(ErrorIds.PathNotFound, $"The certificate file '{path}' does not exist.", path, e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new SocketSessionException(ErrorIds.FileReadError, $"Cannot read the certificate file '{path}': {e.Message}", path, e);
            }
        }

        private static string Describe(List<PemBlock> blocks) =>
            blocks.Count == 0 ? "no PEM block" : string.Join(", ", blocks.Select(b => b.Label).Distinct());

        private static string Plain(SecureString secure)
        {
            IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
