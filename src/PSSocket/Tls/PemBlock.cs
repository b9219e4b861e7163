using System;

namespace PSSocket.Tls
{
    /// <summary>One -----BEGIN label----- ... -----END label----- block of a PEM file.</summary>
    internal sealed class PemBlock
    {
        public PemBlock(string label, string text, byte[] data, bool hasHeaders)
        {
            Label = label;
            Text = text;
            Data = data;
            HasHeaders = hasHeaders;
        }

        /// <summary>CERTIFICATE, PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, ...</summary>
        public string Label { get; }

        /// <summary>The block as written, from BEGIN to END, for the runtime's PEM importers.</summary>
        public string Text { get; }

        /// <summary>The decoded base64 (DER).</summary>
        public byte[] Data { get; }

        /// <summary>
        /// RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED": the legacy OpenSSL encryption of a key, which
        /// neither this reader nor .NET decrypts.
        /// </summary>
        public bool HasHeaders { get; }

        public bool IsPrivateKey => Label.EndsWith("PRIVATE KEY", StringComparison.Ordinal);
    }
}
