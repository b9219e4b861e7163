using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;

namespace PSSocket.Relays
{
    /// <summary>
    /// One relayed connection: connects to the target, then copies bytes both ways, each direction with one buffer
    /// (the next chunk is read only after the previous one went through the flow's stages and was written), carrying
    /// each end of stream across as a shutdown of the other side's send side. The first thing that ends it (both
    /// ends closed, a reset, a stage's abort, the server stopping) is how it ended; then both sides are closed and the
    /// summary reported. Never throws: every failure becomes the ending.
    /// </summary>
    internal sealed class RelayConnection
    {
        private readonly SocketServer _server;
        private readonly SocketSession _client;
        private readonly RelayOptions _options;
        /// <summary>How long a summary waits for the pumps once the connection has ended another way.</summary>
        private const int PumpDrainMilliseconds = 2000;

        private readonly CancellationTokenSource _ended = new CancellationTokenSource();
        private readonly DateTime _startedAt = DateTime.Now;
        private readonly long _startedTicks = Stopwatch.GetTimestamp();
        private RelayClientEnd? _clientEnd;
        private RelayTargetEnd? _targetEnd;
        private long _clientToTarget;
        private long _targetToClient;
        private int _ending = -1;
        private string? _reason;

        public RelayConnection(SocketServer server, SocketSession client, RelayOptions options)
        {
            _server = server;
            _client = client;
            _options = options;
        }

        public long BytesClientToTarget => Interlocked.Read(ref _clientToTarget);

        public long BytesTargetToClient => Interlocked.Read(ref _targetToClient);

        public async Task RunAsync()
        {
            using var clientEnd = new RelayClientEnd(_client);
            _clientEnd = clientEnd;

            // A stopping server ends the connection itself: a pump that saw the client's close as a clean end of
            // stream would otherwise half-close towards the target and wait on a target that never closes.
            using CancellationTokenRegistration onStop = _server.StopToken.Register(() => End(RelayEnding.Stopped, null, reset: false));
            try
            {
                if (await ConnectTargetAsync().ConfigureAwait(false))
                {
                    Task pumps = Task.WhenAll(
                        PumpAsync(clientEnd, _targetEnd!, RelayDirection.ClientToTarget),
                        PumpAsync(_targetEnd!, clientEnd, RelayDirection.TargetToClient));
                    await Task.WhenAny(pumps, Task.Delay(Timeout.Infinite, _ended.Token)).ConfigureAwait(false);
                    if (!pumps.IsCompleted)
                    {
                        // Ended by a failure, a fault or the server stopping: both sides are closed, so the pumps end
                        // too; the summary waits for them only a bounded time.
                        await Task.WhenAny(pumps, Task.Delay(PumpDrainMilliseconds)).ConfigureAwait(false);
                    }

                    End(RelayEnding.Closed, null, reset: false);
                }
            }
            catch (Exception e)
            {
                // The pumps catch their own failures; this guards the relay's own code.
                End(RelayEnding.Failed, e.Message, reset: false);
                _server.ReportFailure(e, _client);
            }
            finally
            {
                End(RelayEnding.Closed, null, reset: false);
                Report();
                _ended.Dispose();
            }
        }

        /// <summary>Counts bytes written on to the other side.</summary>
        public void CountWritten(RelayDirection direction, int count)
        {
            if (direction == RelayDirection.ClientToTarget)
            {
                Interlocked.Add(ref _clientToTarget, count);
            }
            else
            {
                Interlocked.Add(ref _targetToClient, count);
            }
        }

        /// <summary>A stage ends the connection on purpose (IRelaySink.Abort).</summary>
        public void Abort(bool reset, string reason) => End(RelayEnding.Aborted, reason, reset);

        private async Task<bool> ConnectTargetAsync()
        {
            RelayTarget target = _options.Target;
            try
            {
                _targetEnd = await target.ConnectAsync(_client, _server.StopToken).ConfigureAwait(false);
                if (_server.IsStopping)
                {
                    End(RelayEnding.Stopped, null, reset: false);
                    return false;
                }

                return true;
            }
            catch (OperationCanceledException)
            {
                End(RelayEnding.Stopped, null, reset: false);
                return false;
            }
            catch (SocketSessionException e)
            {
                End(RelayEnding.TargetUnreachable, e.Message, reset: false);
                _server.ReportError(new SocketSessionException(
                    ErrorIds.RelayTargetUnreachable,
                    $"The relay on {EndPoints.Format(_server.Listener.LocalEndPoint)} could not reach {target.Described} for session {_client.Id} "
                    + $"({EndPoints.Format(_client.RemoteEndPoint)}), which was closed: {e.Message}",
                    _client,
                    e));
                return false;
            }
        }

        private async Task PumpAsync(IRelayEnd from, IRelayEnd to, RelayDirection direction)
        {
            IRelaySink head = RelayStageLink.Chain(
                _options.Stages?.StagesFor(new RelayFlow(_client.Id, _client.RemoteEndPoint, _targetEnd!.RemoteEndPoint, direction, datagrams: false)),
                new RelayEndSink(this, to, direction));
            var buffer = new byte[_options.BufferSize];
            CancellationToken token = _ended.Token;
            try
            {
                while (true)
                {
                    int received = await from.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false);
                    if (received == 0)
                    {
                        break;
                    }

                    await head.WriteAsync(new ArraySegment<byte>(buffer, 0, received), token).ConfigureAwait(false);
                }

                await RelayStageLink.CompleteAsync(head, token).ConfigureAwait(false);
                await to.ShutdownSendAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        private void Fail(Exception error)
        {
            if (_server.IsStopping)
            {
                End(RelayEnding.Stopped, null, reset: false);
            }
            else if (_clientEnd!.WasReset)
            {
                End(RelayEnding.ClientReset, error.Message, reset: true);
            }
            else if (_targetEnd!.WasReset)
            {
                End(RelayEnding.TargetReset, error.Message, reset: true);
            }
            else
            {
                End(RelayEnding.Failed, error.Message, reset: false);
            }
        }

        /// <summary>The first call decides how the connection ended and closes both sides (a reset carried across as a reset).</summary>
        private void End(RelayEnding ending, string? reason, bool reset)
        {
            if (Interlocked.CompareExchange(ref _ending, (int)ending, -1) != -1)
            {
                return;
            }

            _reason = reason;
            try
            {
                _ended.Cancel();
            }
            catch (AggregateException)
            {
                // A stage's registration threw; the token is cancelled all the same.
            }

            _targetEnd?.Close(reset);
            _clientEnd?.Close(reset);
        }

        private void Report()
        {
            if (_server.LogConnections)
            {
                _server.ReportVerbose($"Session {_client.Id} ({EndPoints.Format(_client.RemoteEndPoint)}) relayed to {_options.Target.Described}: "
                    + $"{BytesClientToTarget} bytes up, {BytesTargetToClient} down, {(RelayEnding)_ending}.");
            }

            if (_options.Summaries)
            {
                TimeSpan duration = TimeSpan.FromTicks((Stopwatch.GetTimestamp() - _startedTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                _server.ReportOutput(new RelayConnectionSummary(
                    _client.Id, _client.RemoteEndPoint, _options.Target.Described, BytesClientToTarget, BytesTargetToClient, _startedAt, duration, (RelayEnding)_ending, _reason));
            }
        }
    }
}
