using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;

namespace PSSocket.Relays
{
    /// <summary>
    /// One client address of a UDP relay: its socket connected to the target, a bounded queue of the client's
    /// datagrams (pumped through the up stages to the target) and a receive loop for the target's replies (through the
    /// down stages, sent back from the listener's socket). Ends once; the handler writes its summary.
    /// </summary>
    internal sealed class UdpRelayAssociation
    {
        /// <summary>Client datagrams waiting for the up stages; more are dropped (UDP may lose them), bounding memory.</summary>
        internal const int QueueLimit = 256;

        private readonly UdpRelayHandler _handler;
        private readonly Socket _upstream;
        private readonly ConcurrentQueue<byte[]> _queue = new ConcurrentQueue<byte[]>();
        private readonly SemaphoreSlim _queued = new SemaphoreSlim(0);
        private readonly CancellationTokenSource _ending = new CancellationTokenSource();
        private readonly IRelaySink _up;
        private readonly IRelaySink _down;
        private long _bytesUp;
        private long _bytesDown;
        private int _lastActivity;
        private int _ended;

        public UdpRelayAssociation(UdpRelayHandler handler, int id, EndPoint client, Socket upstream, EndPoint target)
        {
            _handler = handler;
            Id = id;
            Client = client;
            _upstream = upstream;
            StartedAt = DateTime.Now;
            _lastActivity = Environment.TickCount;
            IRelayStageSource? stages = handler.Options.Stages;
            _up = RelayStageLink.Chain(
                stages?.StagesFor(new RelayFlow(id, client, target, RelayDirection.ClientToTarget, datagrams: true)), new Sink(this, RelayDirection.ClientToTarget));
            _down = RelayStageLink.Chain(
                stages?.StagesFor(new RelayFlow(id, client, target, RelayDirection.TargetToClient, datagrams: true)), new Sink(this, RelayDirection.TargetToClient));
        }

        public int Id { get; }

        public EndPoint Client { get; }

        public DateTime StartedAt { get; }

        public long BytesUp => Interlocked.Read(ref _bytesUp);

        public long BytesDown => Interlocked.Read(ref _bytesDown);

        public int LastActivity => Volatile.Read(ref _lastActivity);

        public void Start()
        {
            _handler.Server.BeginWork();
            _handler.Server.BeginWork();
            _ = Guard(PumpUpAsync());
            _ = Guard(ReceiveDownAsync());
        }

        /// <summary>A client datagram: queued for the up stages, or dropped when the queue is full.</summary>
        public void FromClient(byte[] buffer, int count)
        {
            if (Volatile.Read(ref _ended) != 0)
            {
                return;
            }

            Touch();
            if (_queue.Count >= QueueLimit)
            {
                return;
            }

            var copy = new byte[count];
            Buffer.BlockCopy(buffer, 0, copy, 0, count);
            _queue.Enqueue(copy);
            _queued.Release();
        }

        /// <summary>Ends the association once: its socket closes, its loops stop, its summary is written.</summary>
        public void End(RelayEnding ending, string? reason)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            if (ending == RelayEnding.Idle)
            {
                // The association expired: the stages let go of what they hold (best effort, briefly).
                try
                {
                    using (var brief = new CancellationTokenSource(1000))
                    {
                        RelayStageLink.CompleteAsync(_up, brief.Token).Wait(1000);
                        RelayStageLink.CompleteAsync(_down, brief.Token).Wait(1000);
                    }
                }
                catch (Exception)
                {
                    // The association ends regardless.
                }
            }

            try
            {
                _ending.Cancel();
            }
            catch (AggregateException)
            {
                // A registration threw; cancelled all the same.
            }

            _upstream.Dispose();
            _handler.OnEnded(this, ending, reason);
        }

        private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount);

        private async Task Guard(Task work)
        {
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException || e is ObjectDisposedException || Volatile.Read(ref _ended) != 0)
            {
                // Ended: the loops stop here.
            }
            catch (Exception e)
            {
                _handler.Server.ReportFailure(e, null);
                End(RelayEnding.Failed, e.Message);
            }
            finally
            {
                _handler.Server.EndWork();
            }
        }

        private async Task PumpUpAsync()
        {
            CancellationToken token = _ending.Token;
            while (true)
            {
                await _queued.WaitAsync(token).ConfigureAwait(false);
                if (_queue.TryDequeue(out byte[]? datagram))
                {
                    await _up.WriteAsync(new ArraySegment<byte>(datagram), token).ConfigureAwait(false);
                }
            }
        }

        private async Task ReceiveDownAsync()
        {
            CancellationToken token = _ending.Token;
            var buffer = new byte[65_536];
            while (!token.IsCancellationRequested)
            {
                int count;
                try
                {
                    count = await _upstream.ReceiveAsync(new ArraySegment<byte>(buffer), SocketFlags.None).ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused || e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // An ICMP port unreachable from the target for an earlier datagram: UDP goes on (the target may start later).
                    continue;
                }

                Touch();
                var copy = new byte[count];
                Buffer.BlockCopy(buffer, 0, copy, 0, count);
                await _down.WriteAsync(new ArraySegment<byte>(copy), token).ConfigureAwait(false);
            }
        }

        /// <summary>The end of each flow: sends one datagram, to the target (through the association's socket) or back to the client.</summary>
        private sealed class Sink : IRelaySink
        {
            private readonly UdpRelayAssociation _owner;
            private readonly RelayDirection _direction;

            public Sink(UdpRelayAssociation owner, RelayDirection direction)
            {
                _owner = owner;
                _direction = direction;
            }

            public async Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken)
            {
                if (_owner._ending.IsCancellationRequested)
                {
                    return; // ended: the socket is closed (what a stage lets go of at an idle end still goes out before)
                }

                try
                {
                    if (_direction == RelayDirection.ClientToTarget)
                    {
                        int sent = await _owner._upstream.SendAsync(chunk, SocketFlags.None).ConfigureAwait(false);
                        Interlocked.Add(ref _owner._bytesUp, sent);
                    }
                    else
                    {
                        int sent = await _owner._handler.Listening.SendToAsync(chunk, SocketFlags.None, _owner.Client).ConfigureAwait(false);
                        Interlocked.Add(ref _owner._bytesDown, sent);
                    }
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused || e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // The peer's port is closed (ICMP): the datagram is lost, as UDP would lose it.
                }
            }

            public void Abort(bool reset, string reason) => _owner.End(RelayEnding.Aborted, reason);
        }
    }
}
