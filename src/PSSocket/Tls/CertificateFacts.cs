using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PSSocket.Tls
{
    /// <summary>Copies what a script wants to know about a certificate into a TlsInfo, and reads its subject alternative names.</summary>
    internal static class CertificateFacts
    {
        private const string SubjectAlternativeNameOid = "2.5.29.17";

        public static void CopyTo(X509Certificate2 certificate, TlsInfo info, DateTime now)
        {
            info.Certificate = new X509Certificate2(certificate.RawData);
            info.Subject = certificate.Subject;
            info.Issuer = certificate.Issuer;
            info.SubjectAlternativeNames = SubjectAlternativeNames(certificate);
            info.NotBefore = certificate.NotBefore;
            info.NotAfter = certificate.NotAfter;
            info.DaysUntilExpiry = (int)Math.Floor((certificate.NotAfter - now).TotalDays);
            info.Thumbprint = certificate.Thumbprint;
            info.SerialNumber = certificate.SerialNumber;
        }

        /// <summary>
        /// The names of the extension, decoded from its DER bytes: the text X509Extension.Format gives differs
        /// between Windows, Linux and macOS, and netstandard2.0 has no typed extension for it.
        /// </summary>
        public static string[] SubjectAlternativeNames(X509Certificate2 certificate)
        {
            var names = new List<string>();
            foreach (X509Extension extension in certificate.Extensions)
            {
                if (extension.Oid?.Value != SubjectAlternativeNameOid)
                {
                    continue;
                }

                try
                {
                    ReadGeneralNames(extension.RawData, names);
                }
                catch (Exception e) when (e is IndexOutOfRangeException || e is ArgumentException || e is FormatException)
                {
                    // A malformed extension: keep the names read so far.
                }
            }

            return names.ToArray();
        }

        private static void ReadGeneralNames(byte[] der, List<string> names)
        {
            int position = 0;
            if (der[position++] != 0x30)
            {
                throw new FormatException("GeneralNames is not a SEQUENCE.");
            }

            int end = ReadLength(der, ref position) + position;
            while (position < end)
            {
                byte tag = der[position++];
                int length = ReadLength(der, ref position);
                if (position + length > der.Length)
                {
                    throw new FormatException("A name runs past the extension.");
                }

                switch (tag)
                {
                    case 0x81: // rfc822Name
                    case 0x82: // dNSName
                    case 0x86: // uniformResourceIdentifier
                        names.Add(Encoding.ASCII.GetString(der, position, length));
                        break;
                    case 0x87: // iPAddress
                        if (length == 4 || length == 16)
                        {
                            var bytes = new byte[length];
                            Buffer.BlockCopy(der, position, bytes, 0, length);
                            names.Add(new IPAddress(bytes).ToString());
                        }

                        break;
                }

                position += length;
            }
        }

        private static int ReadLength(byte[] der, ref int position)
        {
            int first = der[position++];
            if (first < 0x80)
            {
                return first;
            }

            int count = first & 0x7f;
            if (count == 0 || count > 3)
            {
                throw new FormatException("Unsupported DER length.");
            }

            int length = 0;
            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | der[position++];
            }

            return length;
        }
    }
}
