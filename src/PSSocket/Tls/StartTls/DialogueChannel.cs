using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Tls.StartTls
{
    /// <summary>
    /// The plaintext half of a STARTTLS upgrade: lines and bytes read within one deadline, requests written. A
    /// server sends nothing between accepting the upgrade and the client's TLS hello, so bytes left unread at the
    /// end were injected before TLS (the STARTTLS command injection of CVE-2011-0411) and fail the upgrade.
    /// </summary>
    internal sealed class DialogueChannel
    {
        private const int MaximumLine = 8192;

        private readonly Stream _stream;
        private readonly Deadline _deadline;
        private readonly CancellationToken _cancellationToken;
        private readonly byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public DialogueChannel(Stream stream, string protocol, string peer, Deadline deadline, CancellationToken cancellationToken)
        {
            _stream = stream;
            Protocol = protocol;
            Peer = peer;
            _deadline = deadline;
            _cancellationToken = cancellationToken;
        }

        public string Protocol { get; }

        public string Peer { get; }

        public async Task WriteAsync(string text) => await WriteAsync(Encoding.ASCII.GetBytes(text)).ConfigureAwait(false);

        public async Task WriteAsync(byte[] data)
        {
            Task write = _stream.WriteAsync(data, 0, data.Length, _cancellationToken);
            if (!await TaskWaiter.WaitAsync(write, _deadline, _cancellationToken).ConfigureAwait(false))
            {
                TaskWaiter.Forget(write);
                throw Failed($"sending to {Peer} did not finish within {_deadline.TimeoutMilliseconds} ms");
            }

            await write.ConfigureAwait(false);
        }

        /// <summary>One line without its CR LF.</summary>
        public async Task<string> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end)
                {
                    await FillAsync().ConfigureAwait(false);
                }

                byte b = _buffer[_start++];
                if (b == (byte)'\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                if (line.Length >= MaximumLine)
                {
                    throw Failed($"{Peer} sent a line longer than {MaximumLine} bytes");
                }

                line.Append((char)b);
            }
        }

        public async Task<byte> ReadByteAsync()
        {
            if (_start == _end)
            {
                await FillAsync().ConfigureAwait(false);
            }

            return _buffer[_start++];
        }

        public async Task<byte[]> ReadBytesAsync(int count)
        {
            var bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = await ReadByteAsync().ConfigureAwait(false);
            }

            return bytes;
        }

        /// <summary>Called once the server accepted the upgrade: nothing may have come after its answer.</summary>
        public void EnsureNothingUnread()
        {
            if (_start != _end)
            {
                throw Failed($"{Peer} sent {_end - _start} bytes after accepting the upgrade, before TLS; they could have been injected");
            }
        }

        public SocketSessionException Failed(string reason) =>
            new SocketSessionException(ErrorIds.StartTlsFailed, $"The {Protocol} STARTTLS upgrade with {Peer} failed: {reason}.", Peer);

        public SocketSessionException NotOffered(string evidence) =>
            new SocketSessionException(ErrorIds.StartTlsNotOffered, $"{Peer} does not offer STARTTLS for {Protocol}: {evidence}.", Peer);

        public SocketSessionException Refused(string answer) =>
            new SocketSessionException(ErrorIds.StartTlsRefused, $"{Peer} refused the {Protocol} STARTTLS upgrade: '{answer}'.", Peer);

        private async Task FillAsync()
        {
            Task<int> read = _stream.ReadAsync(_buffer, 0, _buffer.Length, _cancellationToken);
            if (!await TaskWaiter.WaitAsync(read, _deadline, _cancellationToken).ConfigureAwait(false))
            {
                TaskWaiter.Forget(read);
                throw Failed($"no answer within {_deadline.TimeoutMilliseconds} ms");
            }

            int n;
            try
            {
                n = await read.ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new SocketSessionException(ErrorIds.StartTlsFailed, $"The {Protocol} STARTTLS upgrade with {Peer} failed: {e.Message}", Peer, e);
            }

            if (n == 0)
            {
                throw Failed($"{Peer} closed the connection");
            }

            _start = 0;
            _end = n;
        }
    }
}
