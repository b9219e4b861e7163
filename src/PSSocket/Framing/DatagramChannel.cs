using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Framing
{
    /// <summary>One datagram as the receive pump took it from the socket, or the error it met instead.</summary>
    internal sealed class ReceivedDatagram
    {
        public ReceivedDatagram(byte[] payload, EndPoint? from, DateTime receivedAtUtc)
        {
            Payload = payload;
            From = from;
            ReceivedAtUtc = receivedAtUtc;
        }

        public ReceivedDatagram(SocketSessionException error)
        {
            Payload = Array.Empty<byte>();
            Error = error;
            ReceivedAtUtc = DateTime.UtcNow;
        }

        public byte[] Payload { get; }

        public EndPoint? From { get; }

        public DateTime ReceivedAtUtc { get; }

        public SocketSessionException? Error { get; }
    }

    /// <summary>
    /// Receives a datagram socket's datagrams as they arrive, on I/O completion threads, into a queue that the
    /// pipeline thread takes from. The socket's kernel buffer only has to hold what arrives while the pump copies,
    /// not what arrives while a script is busy, so a burst is not dropped because PowerShell is slower than the
    /// sender. The queue is bounded: past the limit the pump pauses, the kernel buffer fills, and the OS drops.
    /// Nothing is taken off the queue until a receive call returns it, so a timeout or Ctrl+C loses nothing.
    /// </summary>
    internal sealed class DatagramChannel : IDisposable
    {
        /// <summary>UDP payloads top out at 65,527 bytes (IPv6; 65,507 over IPv4), so 64 KiB holds any of them whole.</summary>
        public const int UdpBufferSize = 64 * 1024;

        /// <summary>Unix datagrams are limited by the sender's SO_SNDBUF (208 KiB by default on Linux), not by a header field.</summary>
        public const int UnixBufferSize = 256 * 1024;

        /// <summary>What a queued datagram is charged beyond its payload: the arrays and objects around it.</summary>
        private const int Overhead = 96;

        private const long MinimumQueueLimit = 16 * 1024 * 1024;

        private readonly object _gate = new object();
        private readonly Queue<ReceivedDatagram> _queue = new Queue<ReceivedDatagram>();
        private readonly SemaphoreSlim _available = new SemaphoreSlim(0);
        private readonly Socket _socket;
        private readonly SessionCounters _counters;
        private readonly object _owner;
        private readonly SocketAsyncEventArgs _args;
        private readonly EndPoint _template;
        private readonly long _queueLimit;
        private long _queuedCharge;
        private int _queuedBytes;
        private long _received;
        private bool _pumping;
        private bool _closed;

        public DatagramChannel(Socket socket, SessionCounters counters, object owner)
        {
            _socket = socket;
            _counters = counters;
            _owner = owner;
            bool unix = socket.AddressFamily == AddressFamily.Unix;
            _template = unix
                ? UnixEndPoints.ReceiveTemplate()
                : new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            _queueLimit = Math.Max(MinimumQueueLimit, 2L * socket.ReceiveBufferSize);
            byte[] buffer = new byte[unix ? UnixBufferSize : UdpBufferSize];
            _args = new SocketAsyncEventArgs();
            _args.SetBuffer(buffer, 0, buffer.Length);
            _args.Completed += OnCompleted;
        }

        public Socket Socket => _socket;

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
                if (_pumping || _closed)
                {
                    return;
                }

                _pumping = true;
            }

            Pump();
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

                ReceivedDatagram item;
                bool restart;
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

                    item = _queue.Dequeue();
                    _queuedBytes -= item.Payload.Length;
                    _queuedCharge -= item.Payload.Length + Overhead;
                    restart = !_pumping && !_closed && _queuedCharge < _queueLimit / 2;
                }

                if (restart)
                {
                    Start();
                }

                if (item.Error != null)
                {
                    throw item.Error;
                }

                return item;
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
                _queuedBytes = 0;
                _queuedCharge = 0;
                if (!_pumping)
                {
                    _args.Dispose();
                }
            }

            // Wakes every waiting receive; each finds the queue empty and the channel closed.
            _available.Release();
        }

        private void Pump()
        {
            try
            {
                while (true)
                {
                    lock (_gate)
                    {
                        if (_closed || _queuedCharge >= _queueLimit)
                        {
                            StopPumping();
                            return;
                        }
                    }

                    _args.RemoteEndPoint = _template;
                    if (_socket.ReceiveFromAsync(_args))
                    {
                        return;
                    }

                    if (!Take(_args))
                    {
                        return;
                    }
                }
            }
            catch (Exception e)
            {
                // Every exception stops here: one escaping an I/O thread would end the user's shell.
                Fail(e);
            }
        }

        private void OnCompleted(object? sender, SocketAsyncEventArgs e)
        {
            try
            {
                if (Take(e))
                {
                    Pump();
                }
            }
            catch (Exception error)
            {
                Fail(error);
            }
        }

        /// <summary>Queues what one receive brought; false when the pump must stop.</summary>
        private bool Take(SocketAsyncEventArgs e)
        {
            switch (e.SocketError)
            {
                case SocketError.Success when (e.SocketFlags & SocketFlags.Truncated) != 0:
                case SocketError.MessageSize:
                    Enqueue(new ReceivedDatagram(new SocketSessionException(
                        ErrorIds.DatagramTruncated,
                        $"A datagram from {EndPoints.Format(Sender(e))} was larger than the {e.Count}-byte receive buffer and the system cut it short; it was dropped.",
                        _owner)));
                    return true;
                case SocketError.Success:
                    var payload = new byte[e.BytesTransferred];
                    Buffer.BlockCopy(e.Buffer!, e.Offset, payload, 0, payload.Length);
                    Interlocked.Increment(ref _received);
                    _counters.AddReceived(payload.Length);
                    Enqueue(new ReceivedDatagram(payload, Sender(e), DateTime.UtcNow));
                    return true;
                case SocketError.ConnectionRefused:
                case SocketError.ConnectionReset:
                    // An ICMP port unreachable for an earlier send: reported once, in its place among the datagrams.
                    Enqueue(new ReceivedDatagram(new SocketSessionException(
                        ErrorIds.ConnectionRefused,
                        "The peer's port was closed when an earlier datagram arrived there (ICMP port unreachable).",
                        _owner)));
                    return true;
                case SocketError.OperationAborted:
                case SocketError.Interrupted:
                case SocketError.NotSocket:
                case SocketError.Shutdown:
                    lock (_gate)
                    {
                        StopPumping();
                    }

                    return false;
                default:
                    Fail(new SocketException((int)e.SocketError));
                    return false;
            }
        }

        private EndPoint? Sender(SocketAsyncEventArgs e)
        {
            EndPoint? from = e.RemoteEndPoint;
            if (from == null || ReferenceEquals(from, _template))
            {
                return null;
            }

            if (UnixEndPoints.IsUnix(from))
            {
                // An unnamed sender (a socket that never bound a path) has no address to answer to.
                string path = from.ToString() ?? string.Empty;
                return path.Length == 0 || path == _template.ToString() ? null : from;
            }

            return EndPoints.Normalize(from);
        }

        private void Enqueue(ReceivedDatagram item)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                _queue.Enqueue(item);
                _queuedBytes += item.Payload.Length;
                _queuedCharge += item.Payload.Length + Overhead;
            }

            _available.Release();
        }

        private void Fail(Exception error)
        {
            bool closed;
            lock (_gate)
            {
                closed = _closed;
                StopPumping();
            }

            if (!closed && !(error is ObjectDisposedException))
            {
                SocketSessionException failure = error is SocketException socketError
                    ? SocketErrorTranslator.ForTransfer(socketError, "receiving datagrams", _owner)
                    : new SocketSessionException(ErrorIds.SocketError, "Receiving datagrams failed: " + error.Message, _owner, error);
                Enqueue(new ReceivedDatagram(failure));
            }
        }

        /// <summary>Called under the gate.</summary>
        private void StopPumping()
        {
            _pumping = false;
            if (_closed)
            {
                _args.Dispose();
            }
        }
    }
}
