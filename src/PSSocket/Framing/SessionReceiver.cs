using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Tls;
using PSSocket.Text;
using PSSocket.Threading;

namespace PSSocket.Framing
{
    /// <summary>
    /// Frames a byte stream into the results of the receive modes. A read that times out or is cancelled is
    /// kept pending and its bytes land in the buffer on the next call, so neither a timeout nor Ctrl+C loses a byte.
    /// </summary>
    internal sealed class SessionReceiver
    {
        /// <summary>The longest line or delimited record a receive returns (1 MiB): a peer that never ends its line costs no more.</summary>
        public const int DefaultMaxRecordLength = 1024 * 1024;

        /// <summary>The most -ToEnd holds in memory (64 MiB); -OutFile receives more.</summary>
        public const int DefaultMaxToEndLength = 64 * 1024 * 1024;

        /// <summary>Bulk copies read in large pieces: fewer system calls per gigabyte.</summary>
        private const int LargeReadSize = 256 * 1024;

        /// <summary>One receive call at a time; a second waits its own deadline and Ctrl+C, and no property read waits at all.</summary>
        private readonly SemaphoreSlim _turn = new SemaphoreSlim(1, 1);
        private readonly ReceiveBuffer _buffer = new ReceiveBuffer();
        private readonly IReceiveSource _source;
        private readonly Action<int> _received;
        private readonly object _owner;
        private readonly Action? _onReset;
        private readonly Action? _onFatal;
        private Task<int>? _pendingRead;
        private SocketSessionException? _reset;
        private int _buffered;
        private volatile bool _endOfStream;
        private TaskCompletionSource<bool>? _turnEnded;

        /// <param name="received">Told of every byte count read from the source, for the session's counters.</param>
        /// <param name="onReset">Told once when the peer resets the connection, so the session's state can say so.</param>
        /// <param name="onFatal">Told when the source fails for good (a TLS error): the session closes.</param>
        public SessionReceiver(IReceiveSource source, Action<int> received, object owner, Action? onReset = null, Action? onFatal = null)
        {
            _source = source;
            _received = received;
            _owner = owner;
            _onReset = onReset;
            _onFatal = onFatal;
        }

        /// <summary>True once the peer has closed its send side.</summary>
        public bool EndOfStream => _endOfStream;

        /// <summary>True while a read started earlier (a receive that timed out, a readiness wait) is still out: its bytes land in the buffer.</summary>
        public bool ReadPending => Volatile.Read(ref _pendingRead) != null;

        /// <summary>A snapshot, published after every change to the buffer: reading it never waits for a receive.</summary>
        public int Buffered => Volatile.Read(ref _buffered);

        /// <summary>Whatever is buffered, else whatever arrives first; null at end of stream.</summary>
        public byte[]? ReceiveAvailable(Encoding? textEncoding, Deadline deadline, CancellationToken cancellationToken)
        {
            using (EnterTurn(deadline, cancellationToken))
            {
                while (true)
                {
                    int count = _buffer.Count;
                    if (count > 0)
                    {
                        int usable = textEncoding == null || EndOfStream
                            ? count
                            : TextBoundary.CompleteLength(textEncoding, _buffer.Array, _buffer.Offset, count);
                        if (usable > 0)
                        {
                            return _buffer.Take(usable);
                        }
                    }

                    if (!Fill(deadline, cancellationToken))
                    {
                        return _buffer.Count > 0 ? _buffer.Take(_buffer.Count) : null;
                    }
                }
            }
        }

        /// <summary>Exactly <paramref name="count"/> bytes; at end of stream the short remainder stays buffered.</summary>
        public byte[] ReceiveExactly(int count, Deadline deadline, CancellationToken cancellationToken)
        {
            if (count > ReceiveBuffer.MaxCapacity)
            {
                throw BufferLimit($"{count} bytes are more than one result can hold ({ReceiveBuffer.MaxCapacity} bytes)");
            }

            using (EnterTurn(deadline, cancellationToken))
            {
                while (_buffer.Count < count)
                {
                    if (!Fill(deadline, cancellationToken, awaiting: $"the {count} bytes asked for"))
                    {
                        throw new SocketSessionException(
                            ErrorIds.EndOfStream,
                            $"{_source.Describe()} closed the connection after {_buffer.Count} of the {count} bytes asked for; those bytes stay buffered on the session.",
                            _owner);
                    }
                }

                return _buffer.Take(count);
            }
        }

        /// <summary>
        /// The bytes before the next <paramref name="delimiter"/>, which is consumed but not returned; when
        /// <paramref name="trailer"/> ends the record it is dropped too (the CR of a CRLF line end). At end of
        /// stream an unterminated remainder is the last record; null when nothing is left. Matches count only at
        /// multiples of <paramref name="alignment"/>: the character size of a fixed-width encoding. A record longer
        /// than <paramref name="maxLength"/> raises RecordTooLong and stays buffered, whole: memory stays bounded.
        /// </summary>
        public byte[]? ReceiveUntil(
            byte[] delimiter, byte[]? trailer, Deadline deadline, CancellationToken cancellationToken, int alignment = 1, int maxLength = DefaultMaxRecordLength)
        {
            using (EnterTurn(deadline, cancellationToken))
            {
                int searchFrom = 0;
                while (true)
                {
                    int index = _buffer.IndexOf(delimiter, searchFrom, alignment);
                    int trailerLength = trailer?.Length ?? 0;
                    if (index >= 0)
                    {
                        int length = trailer != null && _buffer.EndsWith(trailer, index) ? index - trailerLength : index;
                        if (length > maxLength)
                        {
                            throw RecordTooLong(maxLength, trailer != null);
                        }

                        byte[] record = _buffer.Take(length);
                        _buffer.Skip(index - length + delimiter.Length);
                        return record;
                    }

                    searchFrom = Math.Max(0, _buffer.Count - delimiter.Length + 1);
                    if ((long)searchFrom - trailerLength > maxLength)
                    {
                        // Wherever the end comes, the record is already longer than allowed.
                        throw RecordTooLong(maxLength, trailer != null);
                    }

                    searchFrom -= searchFrom % alignment;
                    if (!Fill(deadline, cancellationToken, awaiting: trailer != null ? "a line end" : "the delimiter"))
                    {
                        return _buffer.Count > 0 ? _buffer.Take(_buffer.Count) : null;
                    }
                }
            }
        }

        /// <summary>
        /// Everything until the peer closes its send side. More than <paramref name="maxLength"/> bytes raises
        /// ReceiveBufferLimit; what arrived stays buffered, for CopyTo (-OutFile) to take on.
        /// </summary>
        public byte[] ReceiveToEnd(Deadline deadline, CancellationToken cancellationToken, int maxLength = DefaultMaxToEndLength)
        {
            using (EnterTurn(deadline, cancellationToken))
            {
                while (Fill(deadline, cancellationToken))
                {
                    if (_buffer.Count > maxLength)
                    {
                        throw BufferLimit($"more than {maxLength} bytes arrived before the end of the stream (MaxToEndLength)");
                    }
                }

                return _buffer.Take(_buffer.Count);
            }
        }

        /// <summary>
        /// Writes the stream into <paramref name="destination"/> without making an object per chunk: exactly
        /// <paramref name="limit"/> bytes, or everything until the peer closes when it is null. Each wait for data
        /// may last <paramref name="idleTimeout"/>; <paramref name="progress"/> hears the running total.
        /// </summary>
        public long CopyTo(Stream destination, long? limit, int idleTimeout, CancellationToken cancellationToken, Action<long>? progress)
        {
            using (EnterTurn(Deadline.After(idleTimeout), cancellationToken))
            {
                long copied = 0;
                while (limit == null || copied < limit)
                {
                    if (_buffer.Count == 0 && !Fill(Deadline.After(idleTimeout), cancellationToken, LargeReadSize))
                    {
                        break;
                    }

                    int take = limit == null ? _buffer.Count : (int)Math.Min(_buffer.Count, limit.Value - copied);
                    destination.Write(_buffer.Array, _buffer.Offset, take);
                    _buffer.Skip(take);
                    copied += take;
                    progress?.Invoke(copied);
                }

                if (limit != null && copied < limit)
                {
                    throw new SocketSessionException(
                        ErrorIds.EndOfStream,
                        $"{_source.Describe()} closed the connection after {copied} of the {limit} bytes asked for.",
                        _owner);
                }

                return copied;
            }
        }

        /// <summary>Waits for the receive calls before this one; the returned turn publishes the buffer's count and ends the turn.</summary>
        private Turn EnterTurn(Deadline deadline, CancellationToken cancellationToken)
        {
            if (!_turn.Wait(deadline.RemainingMilliseconds, cancellationToken))
            {
                throw new SocketSessionException(
                    ErrorIds.ReceiveTimedOut,
                    $"Another receive on the session from {_source.Describe()} was still waiting after {deadline.TimeoutMilliseconds} ms.",
                    _owner);
            }

            return new Turn(this);
        }

        /// <summary>
        /// Bytes that arrived before the source's first, as received (a proxy's reply carried the target's first bytes):
        /// call before any receive. They are counted, and every receive mode returns them first.
        /// </summary>
        public void Preload(byte[] bytes)
        {
            if (bytes.Length == 0)
            {
                return;
            }

            ArraySegment<byte> free = _buffer.PrepareWrite(bytes.Length);
            Buffer.BlockCopy(bytes, 0, free.Array!, free.Offset, bytes.Length);
            _buffer.Commit(bytes.Length);
            _received(bytes.Length);
            Publish();
        }

        private void Publish() => Volatile.Write(ref _buffered, _buffer.Count);

        /// <summary>
        /// For readiness waits (Wait-Socket): without waiting and without taking a byte, moves a finished read into
        /// the buffer and keeps one read pending. Returns the pending read to wait on; null when there is news to look
        /// at instead (bytes buffered, end of stream, a reset) or another call is receiving now.
        /// </summary>
        public Task? Prefetch()
        {
            if (_endOfStream || _reset != null || !_turn.Wait(0))
            {
                return null;
            }

            try
            {
                if (_pendingRead == null)
                {
                    int room = ReceiveBuffer.MaxCapacity - _buffer.Count;
                    if (room <= 0)
                    {
                        return null;
                    }

                    _pendingRead = _source.ReceiveAsync(_buffer.PrepareWrite(Math.Min(ReceiveBuffer.MinimumReadSize, room)));
                }

                if (!_pendingRead.IsCompleted)
                {
                    return _pendingRead;
                }

                Fill(Deadline.After(-1), CancellationToken.None);
                return null;
            }
            catch (Exception e) when (e is SocketSessionException || e is TlsFailureException || e is SocketException || e is ObjectDisposedException)
            {
                // Fill has recorded a reset or a TLS failure on the session; the next receive reports it.
                return null;
            }
            finally
            {
                _turn.Release();
            }
        }

        /// <summary>Lets go of a pending read whose socket is closing.</summary>
        public void Abandon()
        {
            TaskWaiter.Forget(_pendingRead);
        }

        /// <summary>The read waiting for data, if any: when it completes this receiver may have more to give.</summary>
        public Task? PendingRead => _pendingRead;

        /// <summary>
        /// Completes when the receive call now running, or the next one, ends its turn: when buffered bytes may have
        /// been consumed. Take it before calling <see cref="ReadAhead"/>, so an end between the two is not missed.
        /// </summary>
        public Task NextTurnEnd()
        {
            var fresh = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return (Interlocked.CompareExchange(ref _turnEnded, fresh, null) ?? fresh).Task;
        }

        /// <summary>
        /// Reads what has arrived into the buffer without consuming a byte and without waiting (the session's
        /// events read ahead with it): a later receive returns every byte. While the buffer holds
        /// <paramref name="bufferLimit"/> bytes it reads nothing more. A failed source throws as a receive would.
        /// </summary>
        public ReadAheadResult ReadAhead(int bufferLimit)
        {
            if (!_turn.Wait(0))
            {
                return ReadAheadResult.Busy;
            }

            try
            {
                if (_endOfStream)
                {
                    return ReadAheadResult.EndOfStream;
                }

                if (_buffer.Count >= bufferLimit)
                {
                    return ReadAheadResult.Full;
                }

                try
                {
                    return Fill(Deadline.After(0), CancellationToken.None) ? ReadAheadResult.Arrived : ReadAheadResult.EndOfStream;
                }
                catch (SocketSessionException e) when (e.ErrorId == ErrorIds.ReceiveTimedOut)
                {
                    return ReadAheadResult.Waiting;
                }
            }
            finally
            {
                // Not through Turn: reading ahead consumes nothing, so it wakes nobody who waits for a turn to end.
                Publish();
                _turn.Release();
            }
        }

        /// <param name="awaiting">What the call waits for, named when a timeout finds some bytes but not that.</param>
        private bool Fill(Deadline deadline, CancellationToken cancellationToken, int readSize = ReceiveBuffer.MinimumReadSize, string? awaiting = null)
        {
            if (_endOfStream)
            {
                return false;
            }

            if (_reset != null)
            {
                throw new SocketSessionException(_reset.ErrorId, _reset.Message, _owner, _reset.InnerException);
            }

            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (_pendingRead == null)
                {
                    int room = ReceiveBuffer.MaxCapacity - _buffer.Count;
                    if (room <= 0)
                    {
                        throw BufferLimit($"the session already buffers {_buffer.Count} bytes");
                    }

                    ArraySegment<byte> free = _buffer.PrepareWrite(Math.Min(readSize, room));
                    int now = _source.TryReceiveNow(free);
                    if (now >= 0)
                    {
                        return Commit(now);
                    }

                    _pendingRead = _source.ReceiveAsync(free);
                }

                if (!TaskWaiter.Wait(_pendingRead, deadline, cancellationToken))
                {
                    throw TimedOut(deadline, awaiting);
                }

                Task<int> completed = _pendingRead;
                _pendingRead = null;
                return Commit(completed.GetAwaiter().GetResult());
            }
            catch (SocketException e)
            {
                _pendingRead = null;
                SocketSessionException error = SocketErrorTranslator.ForTransfer(e, $"receiving from {_source.Describe()}", _owner);
                if (error.ErrorId == ErrorIds.ConnectionReset)
                {
                    _reset = error;
                    _onReset?.Invoke();
                }

                throw error;
            }
            catch (TlsFailureException)
            {
                _pendingRead = null;
                _onFatal?.Invoke();
                throw;
            }
            catch (ObjectDisposedException e)
            {
                _pendingRead = null;
                throw new SocketSessionException(ErrorIds.SessionClosed, "The session was closed while receiving.", _owner, e);
            }
        }

        private SocketSessionException RecordTooLong(int maxLength, bool line) =>
            new SocketSessionException(
                ErrorIds.RecordTooLong,
                $"{_source.Describe()} sent a {(line ? "line" : "record")} longer than {maxLength} bytes (MaxRecordLength). Its {_buffer.Count} bytes received so far stay buffered: read them with -Count or without a mode, or raise the limit with -MaxLength.",
                _owner);

        private SocketSessionException BufferLimit(string what) =>
            new SocketSessionException(
                ErrorIds.ReceiveBufferLimit,
                $"Receiving from {_source.Describe()}: {what}. The bytes received stay buffered; use -OutFile to receive more than memory holds, or raise the limit with -MaxLength.",
                _owner);

        private SocketSessionException TimedOut(Deadline deadline, string? awaiting)
        {
            string message = _buffer.Count == 0 || awaiting == null
                ? $"No data arrived from {_source.Describe()} within {deadline.TimeoutMilliseconds} ms."
                : $"{_buffer.Count} bytes arrived from {_source.Describe()} within {deadline.TimeoutMilliseconds} ms, but not {awaiting}; they stay buffered on the session (BytesBuffered).";
            return new SocketSessionException(ErrorIds.ReceiveTimedOut, message, _owner);
        }

        private bool Commit(int count)
        {
            if (count == 0)
            {
                _endOfStream = true;
                return false;
            }

            _buffer.Commit(count);
            Publish();
            _received(count);
            return true;
        }

        private readonly struct Turn : IDisposable
        {
            private readonly SessionReceiver _receiver;

            public Turn(SessionReceiver receiver) => _receiver = receiver;

            public void Dispose()
            {
                _receiver.Publish();
                _receiver._turn.Release();
                Interlocked.Exchange(ref _receiver._turnEnded, null)?.TrySetResult(true);
            }
        }
    }
}
