using System;
using System.Linq;
using PSSocket.Tls;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>PEM text split into blocks: labels, base64 bodies, text between blocks, legacy headers, broken files.</summary>
    public class PemReaderTests
    {
        [Fact]
        public void ReadsEveryBlockInOrderAndSkipsTheTextAround()
        {
            string text = "Bag Attributes\n    localKeyID: 01\n-----BEGIN CERTIFICATE-----\nAQID\nBA==\n-----END CERTIFICATE-----\n"
                + "subject=CN=x\n-----BEGIN PRIVATE KEY-----\r\nBQY=\r\n-----END PRIVATE KEY-----\r\n";

            var blocks = PemReader.Read(text);

            Assert.Equal(new[] { "CERTIFICATE", "PRIVATE KEY" }, blocks.Select(b => b.Label));
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, blocks[0].Data);
            Assert.Equal(new byte[] { 5, 6 }, blocks[1].Data);
            Assert.True(blocks[1].IsPrivateKey);
            Assert.False(blocks[0].IsPrivateKey);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", blocks[1].Text);
            Assert.EndsWith("-----END PRIVATE KEY-----", blocks[1].Text);
        }

        [Fact]
        public void MarksTheLegacyEncryptedKeyByItsHeaders()
        {
            string text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";

            PemBlock block = Assert.Single(PemReader.Read(text));

            Assert.True(block.HasHeaders);
            Assert.True(block.IsPrivateKey);
        }

        [Fact]
        public void ABlockWithoutItsEndLineIsAFormatError()
        {
            var error = Assert.Throws<FormatException>(() => PemReader.Read("-----BEGIN CERTIFICATE-----\nAQID\n"));
            Assert.Contains("END CERTIFICATE", error.Message);
        }

        [Fact]
        public void BadBase64IsAFormatError()
        {
            Assert.Throws<FormatException>(() => PemReader.Read("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"));
        }

        [Fact]
        public void TellsPemFromBinary()
        {
            Assert.True(PemReader.LooksLikePem(System.Text.Encoding.ASCII.GetBytes("\n\n-----BEGIN CERTIFICATE-----\n")));
            Assert.False(PemReader.LooksLikePem(new byte[] { 0x30, 0x82, 0x01, 0x00 }));
            Assert.Empty(PemReader.Read("no blocks at all"));
        }
    }
}
