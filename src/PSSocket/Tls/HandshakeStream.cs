using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Tls
{

    /// <summary>
    /// The stream under an SslStream: the socket's stream, preceded by the bytes of a read taken over from the
    /// plaintext phase, and remembering the first bytes the peer sent so a failed handshake can tell a peer that
    /// does not speak TLS (an SMTP banner, an HTTP error) from one that does and refused.
    /// </summary>
    internal sealed class HandshakeStream : Stream
    {
        private const int Remembered = 48;

        private readonly Stream _inner;
        private readonly byte[] _first = new byte[Remembered];
        private PendingRead? _prefix;
        private int _prefixOffset;
        private int _prefixCount = -1;
        private int _firstCount;

        public HandshakeStream(Stream inner, PendingRead? prefix)
        {
            _inner = inner;
            _prefix = prefix;
        }

        /// <summary>
        /// Null until the peer sent something; then whether it began like a TLS record (content type 20 to 23,
        /// major version 3), as every TLS peer's first bytes do, alerts included.
        /// </summary>
        public bool? PeerSpokeTls
        {
            get
            {
                if (_firstCount == 0)
                {
                    return null;
                }

                bool recordType = _first[0] >= 20 && _first[0] <= 23;
                return recordType && (_firstCount < 2 || _first[1] == 3);
            }
        }

        /// <summary>The first bytes the peer sent, as text with control characters escaped, for error messages.</summary>
        public string FirstBytesText()
        {
            var text = new StringBuilder();
            for (int i = 0; i < _firstCount; i++)
            {
                byte b = _first[i];
                if (b == (byte)'\r')
                {
                    text.Append("\\r");
                }
                else if (b == (byte)'\n')
                {
                    text.Append("\\n");
                }
                else if (b >= 32 && b < 127)
                {
                    text.Append((char)b);
                }
                else
                {
                    text.Append("\\x").Append(b.ToString("x2"));
                }
            }

            return text.ToString();
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int n;
            if (_prefix != null)
            {
                n = await FromPrefix(buffer, offset, count).ConfigureAwait(false);
            }
            else
            {
                n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            }

            Remember(buffer, offset, n);
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => _inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task<int> FromPrefix(byte[] buffer, int offset, int count)
        {
            PendingRead prefix = _prefix!;
            if (_prefixCount < 0)
            {
                _prefixCount = await prefix.Read.ConfigureAwait(false);
                _prefixOffset = 0;
            }

            int n = Math.Min(count, _prefixCount - _prefixOffset);
            Buffer.BlockCopy(prefix.Buffer.Array!, prefix.Buffer.Offset + _prefixOffset, buffer, offset, n);
            _prefixOffset += n;
            if (_prefixOffset >= _prefixCount)
            {
                _prefix = null;
            }

            return n;
        }

        private void Remember(byte[] buffer, int offset, int count)
        {
            int take = Math.Min(count, Remembered - _firstCount);
            if (take > 0)
            {
                Buffer.BlockCopy(buffer, offset, _first, _firstCount, take);
                _firstCount += take;
            }
        }
    }
}
