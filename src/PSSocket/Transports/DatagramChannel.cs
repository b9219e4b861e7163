using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Threading;

namespace PSSocket.Transports
{

    /// <summary>
    /// Receives a datagram socket's datagrams as they arrive, on a receive thread of its own, into a queue that the
    /// pipeline thread takes from. The socket's kernel buffer only has to hold what arrives while the thread copies,
    /// not what arrives while a script is busy, so a burst is not dropped because PowerShell is slower than the
    /// sender. The queue is bounded: past the limit the thread waits, the kernel buffer fills, and the OS drops.
    /// Nothing is taken off the queue until a receive call returns it, so a timeout or Ctrl+C loses nothing.
    /// A blocking receive on a dedicated thread wakes as soon as the kernel has a datagram; asynchronous receives
    /// wait for a thread-pool thread, and under load those waits let bursts overflow the kernel buffer. The thread
    /// makes no object per datagram: payloads are packed into pooled 80 KiB chunks, entries are structs, and a
    /// sender's end point is shared by its datagrams, so garbage collections stay short.
    /// </summary>
    internal sealed class DatagramChannel : IDisposable
    {
        /// <summary>
        /// UDP payloads top out at 65,527 bytes (IPv6; 65,507 over IPv4). A datagram that fills the whole buffer
        /// may have been cut short, so the buffer is one byte larger than anything that is reported as whole.
        /// </summary>
        public const int UdpBufferSize = 64 * 1024;

        /// <summary>Unix datagrams are limited by the sender's SO_SNDBUF (208 KiB by default on Linux), not by a header field.</summary>
        public const int UnixBufferSize = 256 * 1024;

        /// <summary>What a queued datagram is charged beyond its payload: its queue entry.</summary>
        private const int Overhead = 64;

        /// <summary>
        /// Below the large object heap's 85,000 bytes: a burst allocates chunks in the young generation. Chunks of
        /// 1 MiB went to the large object heap, whose allocations start full (gen 2) collections; in a freshly
        /// started pwsh those paused the receive thread long enough for the kernel buffer to overflow.
        /// </summary>
        private const int ChunkSize = 80 * 1024;
        private const int SpareChunks = 16;

        /// <summary>Room for a burst of 100,000 small datagrams whatever the socket buffer.</summary>
        private const long MinimumQueueLimit = 32 * 1024 * 1024;

        /// <summary>
        /// The receive thread's methods are compiled fully optimized at once (MethodImplOptions.AggressiveOptimization,
        /// which netstandard2.0 does not name): unoptimized first-tier code in a freshly started host is slow enough
        /// to lose part of the first burst.
        /// </summary>
        private const MethodImplOptions HotPath = (MethodImplOptions)512;

        private static int _threads;

        /// <summary>Guards the queue, its chunks and counts, and _closed: the pump thread adds, receive calls take, Dispose empties.</summary>
        private readonly object _gate = new object();
        private readonly Queue<Entry> _queue = new Queue<Entry>();
        private readonly Stack<byte[]> _spareChunks = new Stack<byte[]>();
        private readonly SemaphoreSlim _available = new SemaphoreSlim(0);
        private readonly Socket _socket;
        private readonly SessionCounters _counters;
        private readonly object _owner;
        private readonly EndPoint _template;
        private readonly bool _unix;

        /// <summary>A raw IPv4 socket receives each packet with its IP header, which is split off the payload.</summary>
        private readonly bool _ipv4Raw;
        private readonly long _queueLimit;
        private Thread? _thread;
        private long _queuedCharge;
        private int _queuedBytes;
        private long _received;
        private byte[]? _writeChunk;
        private int _writeOffset;
        private byte[]? _readChunk;
        private EndPoint? _lastSender;
        private bool _closed;

        /// <param name="unixSenderTemplate">On a Unix socket: an end point as long as a path can be, for ReceiveFrom to fill in.</param>
        public DatagramChannel(Socket socket, SessionCounters counters, object owner, EndPoint? unixSenderTemplate)
        {
            _socket = socket;
            _counters = counters;
            _owner = owner;
            _unix = socket.AddressFamily == AddressFamily.Unix;
            _ipv4Raw = socket.SocketType == SocketType.Raw && socket.AddressFamily == AddressFamily.InterNetwork;
            _template = _unix
                ? unixSenderTemplate ?? throw new ArgumentNullException(nameof(unixSenderTemplate))
                : new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            _queueLimit = Math.Max(MinimumQueueLimit, 4L * socket.ReceiveBufferSize);
        }

        public Socket Socket => _socket;

        /// <summary>Told on the receive thread after each datagram is queued (the session's DataArrived).</summary>
        public Action? Arrived { get; set; }

        /// <summary>Payload bytes received and not yet returned.</summary>
        public int BytesBuffered
        {
            get
            {
                lock (_gate)
                {
                    return _queuedBytes;
                }
            }
        }

        /// <summary>Datagrams received and not yet returned.</summary>
        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _queue.Count;
                }
            }
        }

        public long DatagramsReceived => Interlocked.Read(ref _received);

        public void Start()
        {
            lock (_gate)
            {
                if (_thread != null || _closed)
                {
                    return;
                }

                _thread = new Thread(ReceiveLoop)
                {
                    IsBackground = true,
                    Name = "PSSocket datagram receiver " + Interlocked.Increment(ref _threads),
                };
            }

            _thread.Start();
        }

        /// <summary>The next datagram, waiting until the deadline; a queued error is thrown when its turn comes.</summary>
        public ReceivedDatagram Receive(Deadline deadline, CancellationToken cancellationToken, string describe)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!_available.Wait(deadline.RemainingMilliseconds, cancellationToken))
                {
                    throw new SocketSessionException(
                        ErrorIds.ReceiveTimedOut, $"No datagram arrived at {describe} within {deadline.TimeoutMilliseconds} ms.", _owner);
                }

                Entry entry;
                byte[] payload;
                lock (_gate)
                {
                    if (_queue.Count == 0)
                    {
                        if (_closed)
                        {
                            _available.Release();
                            throw new SocketSessionException(ErrorIds.SessionClosed, "The session was closed while receiving.", _owner);
                        }

                        continue;
                    }

                    entry = _queue.Dequeue();
                    payload = new byte[entry.Length];
                    if (entry.Chunk != null)
                    {
                        Buffer.BlockCopy(entry.Chunk, entry.Offset, payload, 0, entry.Length);
                        if (!ReferenceEquals(entry.Chunk, _readChunk))
                        {
                            // Entries leave in the order they came, so the reader moving on means the writer has too.
                            Recycle(_readChunk);
                            _readChunk = entry.Chunk;
                        }
                    }

                    long before = _queuedCharge;
                    _queuedBytes -= entry.Length;
                    _queuedCharge -= entry.Length + Overhead;
                    if (before >= _queueLimit && _queuedCharge < _queueLimit)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }

                if (entry.Error != null)
                {
                    throw entry.Error;
                }

                return new ReceivedDatagram(payload, entry.From, new DateTime(entry.TicksUtc, DateTimeKind.Utc), entry.Header);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                _queue.Clear();
                _spareChunks.Clear();
                _writeChunk = null;
                _readChunk = null;
                _queuedBytes = 0;
                _queuedCharge = 0;
                Monitor.PulseAll(_gate);
            }

            // Wakes every waiting receive; each finds the queue empty and the channel closed. The receive thread
            // ends when the session disposes the socket under it.
            _available.Release();
        }

        [MethodImpl(HotPath)]
        private void ReceiveLoop()
        {
            try
            {
                var buffer = new byte[_unix ? UnixBufferSize : UdpBufferSize];
                EndPoint from = _template;
                while (WaitForRoom())
                {
                    if (_unix)
                    {
                        from = _template; // a shorter path would make the runtime cut the next sender's path short
                    }

                    int count;
                    try
                    {
                        count = _socket.ReceiveFrom(buffer, 0, buffer.Length, SocketFlags.None, ref from);
                    }
                    catch (SocketException e)
                    {
                        if (!Report(e.SocketErrorCode))
                        {
                            return;
                        }

                        continue;
                    }

                    if (count == buffer.Length)
                    {
                        EnqueueError(Truncated(from, buffer.Length));
                        continue;
                    }

                    IPv4Header? header = _ipv4Raw ? IPv4Header.Read(buffer, count) : null;
                    int start = header?.HeaderLength ?? 0;
                    Interlocked.Increment(ref _received);
                    _counters.AddReceived(count - start);
                    EnqueuePayload(buffer, start, count - start, Sender(from), header);
                }
            }
            catch (ObjectDisposedException)
            {
                // The session closed the socket: the thread's work is done.
            }
            catch (Exception e)
            {
                // Every exception stops here: one escaping a thread of ours would end the user's shell.
                Fail(e);
            }
        }

        /// <summary>Waits while the queue is full; false once the channel is closed.</summary>
        [MethodImpl(HotPath)]
        private bool WaitForRoom()
        {
            lock (_gate)
            {
                while (!_closed && _queuedCharge >= _queueLimit)
                {
                    Monitor.Wait(_gate);
                }

                return !_closed;
            }
        }

        /// <summary>Queues what a failed receive means; false when the thread must stop.</summary>
        private bool Report(SocketError error)
        {
            switch (error)
            {
                case SocketError.MessageSize:
                    EnqueueError(Truncated(null, _unix ? UnixBufferSize : UdpBufferSize));
                    return true;
                case SocketError.ConnectionRefused:
                case SocketError.ConnectionReset:
                    // An ICMP port unreachable for an earlier send: reported once, in its place among the datagrams.
                    EnqueueError(new SocketSessionException(
                        ErrorIds.ConnectionRefused,
                        "The peer's port was closed when an earlier datagram arrived there (ICMP port unreachable).",
                        _owner));
                    return true;
                case SocketError.OperationAborted:
                case SocketError.Interrupted:
                case SocketError.NotSocket:
                case SocketError.Shutdown:
                case SocketError.Success:
                    return false;
                default:
                    Fail(new SocketException((int)error));
                    return false;
            }
        }

        private SocketSessionException Truncated(EndPoint? from, int bufferSize) =>
            new SocketSessionException(
                ErrorIds.DatagramTruncated,
                $"A datagram{(from == null ? string.Empty : " from " + EndPoints.Format(Sender(from)))} did not fit the {bufferSize}-byte receive buffer and the system cut it short; it was dropped.",
                _owner);

        [MethodImpl(HotPath)]
        private EndPoint? Sender(EndPoint? from)
        {
            if (from == null || ReferenceEquals(from, _template))
            {
                return null;
            }

            if (_unix)
            {
                // An unnamed sender (a socket that never bound a path) has no address to answer to.
                string path = from.ToString() ?? string.Empty;
                return path.Length == 0 || path == _template.ToString() ? null : from;
            }

            return EndPoints.Normalize(from);
        }

        [MethodImpl(HotPath)]
        private void EnqueuePayload(byte[] buffer, int start, int count, EndPoint? from, IPv4Header? header)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                if (_writeChunk == null || _writeChunk.Length - _writeOffset < count)
                {
                    // A Unix datagram larger than a chunk gets an array of its own, which is never recycled.
                    _writeChunk = count > ChunkSize ? new byte[count] : _spareChunks.Count > 0 ? _spareChunks.Pop() : new byte[ChunkSize];
                    _writeOffset = 0;
                }

                Buffer.BlockCopy(buffer, start, _writeChunk, _writeOffset, count);
                if (from != null && from.Equals(_lastSender))
                {
                    from = _lastSender;
                }

                _lastSender = from ?? _lastSender;
                _queue.Enqueue(new Entry
                {
                    Chunk = _writeChunk,
                    Offset = _writeOffset,
                    Length = count,
                    From = from,
                    TicksUtc = DateTime.UtcNow.Ticks,
                    Header = header,
                });
                _writeOffset += count;
                _queuedBytes += count;
                _queuedCharge += count + Overhead;
            }

            _available.Release();
            Arrived?.Invoke();
        }

        private void EnqueueError(SocketSessionException error)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                _queue.Enqueue(new Entry { Error = error, TicksUtc = DateTime.UtcNow.Ticks });
                _queuedCharge += Overhead;
            }

            _available.Release();
        }

        /// <summary>Called under the gate, for a chunk whose datagrams have all been read.</summary>
        private void Recycle(byte[]? chunk)
        {
            if (chunk != null && chunk.Length == ChunkSize && !ReferenceEquals(chunk, _writeChunk) && _spareChunks.Count < SpareChunks)
            {
                _spareChunks.Push(chunk);
            }
        }

        private void Fail(Exception error)
        {
            bool closed;
            lock (_gate)
            {
                closed = _closed;
            }

            if (!closed && !(error is ObjectDisposedException))
            {
                EnqueueError(error is SocketException socketError
                    ? SocketErrorTranslator.ForTransfer(socketError, "receiving datagrams", _owner)
                    : new SocketSessionException(ErrorIds.SocketError, "Receiving datagrams failed: " + error.Message, _owner, error));
            }
        }

        /// <summary>One queued datagram: where its payload sits in a chunk, or the error met instead.</summary>
        private struct Entry
        {
            public byte[]? Chunk;
            public int Offset;
            public int Length;
            public EndPoint? From;
            public long TicksUtc;
            public SocketSessionException? Error;
            public IPv4Header? Header;
        }
    }
}
