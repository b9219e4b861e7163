using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Threading;

namespace PSSocket.Proxies
{
    /// <summary>
    /// The connection to a proxy while a tunnel is being opened: requests written and replies read within one deadline.
    /// Reads go through a buffer, so bytes that arrive behind the proxy's reply (a target that speaks first) are kept
    /// and handed to the session by <see cref="TakeLeftover"/>, never lost.
    /// </summary>
    internal sealed class ProxyChannel
    {
        /// <summary>The most a reply head may take (an HTTP status line and headers); a proxy sending more is broken.</summary>
        public const int MaximumHead = 64 * 1024;

        private readonly Stream _stream;
        private readonly Deadline _deadline;
        private readonly CancellationToken _cancellationToken;
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;
        private long _received;

        public ProxyChannel(Stream stream, ProxyFailure failure, Deadline deadline, CancellationToken cancellationToken)
        {
            _stream = stream;
            Failure = failure;
            _deadline = deadline;
            _cancellationToken = cancellationToken;
        }

        public ProxyFailure Failure { get; }

        public async Task WriteAsync(byte[] data)
        {
            Task write = _stream.WriteAsync(data, 0, data.Length, _cancellationToken);
            await FinishAsync(write).ConfigureAwait(false);
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw Failure.Refused($"sending to it failed ({e.Message})", e);
            }
        }

        public async Task<byte[]> ReadExactAsync(int count)
        {
            while (_end - _start < count)
            {
                await FillAsync().ConfigureAwait(false);
            }

            var bytes = new byte[count];
            Buffer.BlockCopy(_buffer, _start, bytes, 0, count);
            _start += count;
            return bytes;
        }

        public async Task<byte> ReadByteAsync() => (await ReadExactAsync(1).ConfigureAwait(false))[0];

        /// <summary>Everything up to and including the first CR LF CR LF; the bytes after it stay buffered.</summary>
        public async Task<byte[]> ReadHeadAsync()
        {
            int scanned = 0;
            while (true)
            {
                int end = IndexOfBlankLine(_start + scanned);
                if (end >= 0)
                {
                    return await ReadExactAsync(end - _start).ConfigureAwait(false);
                }

                if (_end - _start >= MaximumHead)
                {
                    throw Failure.ProtocolError($"its reply head is longer than {MaximumHead} bytes: '{ReplyText.Excerpt(_buffer, _start, _end - _start)}'");
                }

                scanned = Math.Max(0, _end - _start - 3);
                await FillAsync().ConfigureAwait(false);
            }
        }

        /// <summary>What arrived but is not read yet, as a message shows it: the rest of a reply that made no sense.</summary>
        public string UnreadText() => ReplyText.Excerpt(_buffer, _start, _end - _start);

        /// <summary>The bytes received behind the last reply: the target's first bytes, which belong to the session.</summary>
        public byte[] TakeLeftover()
        {
            var leftover = new byte[_end - _start];
            Buffer.BlockCopy(_buffer, _start, leftover, 0, leftover.Length);
            _start = _end;
            return leftover;
        }

        /// <summary>The index just past the first CR LF CR LF at or after <paramref name="from"/>, or -1.</summary>
        private int IndexOfBlankLine(int from)
        {
            for (int i = from; i + 3 < _end; i++)
            {
                if (_buffer[i] == '\r' && _buffer[i + 1] == '\n' && _buffer[i + 2] == '\r' && _buffer[i + 3] == '\n')
                {
                    return i + 4;
                }
            }

            return -1;
        }

        private async Task FillAsync()
        {
            MakeRoom();
            Task<int> read = _stream.ReadAsync(_buffer, _end, _buffer.Length - _end, _cancellationToken);
            await FinishAsync(read).ConfigureAwait(false);
            int n;
            try
            {
                n = await read.ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw Failure.Refused($"the connection to it failed before the tunnel opened ({e.Message})", e);
            }

            if (n == 0)
            {
                throw _received == 0
                    ? Failure.Refused("it closed the connection without answering")
                    : Failure.ProtocolError($"it closed the connection in the middle of its reply, after '{ReplyText.Excerpt(_buffer, _start, _end - _start)}'");
            }

            _end += n;
            _received += n;
        }

        /// <summary>Moves the unread bytes to the front, and grows the buffer (up to a reply head's limit) when they fill it.</summary>
        private void MakeRoom()
        {
            int unread = _end - _start;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
                _start = 0;
                _end = unread;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaximumHead + 4096));
            }
        }

        /// <summary>Waits for a read or write within the deadline; Ctrl+C (the token) throws OperationCanceledException.</summary>
        private async Task FinishAsync(Task operation)
        {
            if (!await TaskWaiter.WaitAsync(operation, _deadline, _cancellationToken).ConfigureAwait(false))
            {
                TaskWaiter.Forget(operation);
                throw Failure.TimedOut(_deadline.TimeoutMilliseconds);
            }
        }
    }
}
