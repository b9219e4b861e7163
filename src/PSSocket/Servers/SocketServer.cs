using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Tls;

namespace PSSocket.Servers
{
    /// <summary>
    /// Runs a listener in the background on asynchronous socket operations: an accept loop that holds no thread
    /// while it waits admits or refuses each connection, registers it, does the TLS handshake of a TLS listener
    /// (also without a thread) and hands it to the mode's <see cref="IConnectionHandler"/>. Closing the listener, by anyone, stops the server
    /// without waiting for it: no more accepts, every connection closed, handlers stopped or (after
    /// <see cref="ServerOptions.StopTimeout"/>) abandoned, all in the background; <see cref="Finished"/> tells how it ended.
    /// Nothing here writes to a PowerShell stream and no exception leaves a thread of the server: every failure goes
    /// to the <see cref="Reporter"/>.
    /// </summary>
    internal sealed class SocketServer
    {
        private const int AcceptRetryMilliseconds = 50;
        private const int AcceptErrorReportInterval = 1000;

        [ThreadStatic]
        private static SocketServer? t_serving;

        private readonly SocketSession _listener;
        private readonly IConnectionHandler _handler;
        private readonly ConnectionTable _connections = new ConnectionTable();
        private readonly WorkTracker _work = new WorkTracker();
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly ManualResetEventSlim _stopped = new ManualResetEventSlim(false);
        private readonly string _where;
        private readonly Action<SocketSession> _onConnectionClosed;
        private int _started;
        private int _accepting;
        private int _stopRequested;
        private int _stopByRequest;
        private Exception? _failure;
        private long _lastAcceptErrorTicks;

        public SocketServer(SocketSession listener, IConnectionHandler handler, ServerOptions options)
        {
            _listener = listener ?? throw new ArgumentNullException(nameof(listener));
            _handler = handler ?? throw new ArgumentNullException(nameof(handler));
            Options = options ?? throw new ArgumentNullException(nameof(options));
            _where = EndPoints.Format(listener.LocalEndPoint);
            Statistics = new ServerStatistics(
                handler.Mode, listener.LocalEndPoint, options.MaxConnections, options.AllowedClients?.Entries ?? Array.Empty<string>(),
                handler is IDatagramServerHandler datagrams ? datagrams.Counts : _connections,
                WaitForStop);
            _onConnectionClosed = OnConnectionClosed;
        }

        public ServerOptions Options { get; }

        public ServerStatistics Statistics { get; }

        public ServerMode Mode => _handler.Mode;

        public SocketSession Listener => _listener;

        /// <summary>Where events go; set before <see cref="Start"/>.</summary>
        public IServerReporter Reporter { get; set; } = NullReporter.Instance;

        /// <summary>
        /// Whether a thread that closes the listener may wait for the server to stop. The module allows it on the
        /// runspace that started the server, so a handler that closes its own listener does not wait for itself.
        /// </summary>
        public Func<bool> MayWaitOnClose { get; set; } = () => true;

        /// <summary>True when the stop was asked for with <see cref="Stop"/> (Stop-Job), not by closing the listener.</summary>
        public bool StoppedByRequest => Volatile.Read(ref _stopByRequest) != 0;

        /// <summary>Raised once, after the server has stopped (on the thread that shuts it down).</summary>
        public event Action<SocketServer>? Finished;

        /// <summary>Cancelled when the server starts stopping: handlers pass it to every blocking call.</summary>
        public CancellationToken StopToken => _stopping.Token;

        public bool IsStopping => Volatile.Read(ref _stopRequested) != 0;

        public bool IsStopped => _stopped.IsSet;

        internal bool LogConnections => Options.LogConnections;

        /// <summary>Starts the accept loop on the thread pool. Throws when the listener is not listening or the mode cannot start.</summary>
        public void Start()
        {
            if (Interlocked.Exchange(ref _started, 1) != 0)
            {
                throw new InvalidOperationException("The server has already been started.");
            }

            SocketState ready = _handler is IDatagramServerHandler ? SocketState.Bound : SocketState.Listening; // a UDP listener is bound, not listening
            if (_listener.Role != SocketRole.Listener || _listener.State != ready)
            {
                throw new SocketSessionException(
                    ErrorIds.NotListening, $"Session {_listener.Id} is not a listening session; a server needs one.", _listener);
            }

            if (_listener.Server != null)
            {
                throw new SocketSessionException(
                    ErrorIds.ListenerInUse, $"Session {_listener.Id} already runs a server in {_listener.Server.Mode} mode.", _listener);
            }

            _handler.Start(this);
            Socket listening;
            try
            {
                listening = _handler is IDatagramServerHandler ? _listener.Socket ?? throw _listener.Closed() : _listener.Stream.ListeningSocket;
            }
            catch
            {
                _handler.Dispose();
                throw;
            }

            _listener.Server = Statistics;
            _listener.AfterClose += OnListenerClosed;
            _ = _handler is IDatagramServerHandler receiver
                ? Task.Run(() => DatagramLoopAsync(receiver, listening)) // a datagram mode reads the listener's socket itself
                : Task.Run(() => AcceptLoopAsync(listening)); // the loop reports its own failures and never faults
            Volatile.Write(ref _accepting, 1);

            if (_listener.State == SocketState.Closed)
            {
                RequestStop();
            }
        }

        /// <summary>Stops as Stop-Job does: the job ends Stopped rather than Completed. Waits for the end when allowed.</summary>
        public void Stop()
        {
            if (!IsStopping)
            {
                Volatile.Write(ref _stopByRequest, 1);
            }

            _listener.Close();
            WaitIfAllowed();
        }

        /// <summary>Waits for the server to stop; false if it is still stopping after <paramref name="timeout"/> ms.</summary>
        public bool WaitForStop(int timeout) => _stopped.Wait(timeout);

        /// <summary>As <see cref="WaitForStop(int)"/>; OperationCanceledException when <paramref name="cancellationToken"/> fires.</summary>
        public bool WaitForStop(int timeout, CancellationToken cancellationToken) => _stopped.Wait(timeout, cancellationToken);

        /// <summary>
        /// Serves one connection with asynchronous work that holds no thread while it waits. The work closes the
        /// connection when done; when it fails unexpectedly, the failure is reported and the connection closed.
        /// Stopping waits (up to <see cref="ServerOptions.StopTimeout"/>) for the work to end.
        /// </summary>
        internal void Serve(SocketSession connection, Func<Task> work)
        {
            _work.Begin();
            Task task;
            try
            {
                task = work();
            }
            catch (Exception e)
            {
                task = Task.FromException(e);
            }

            if (task.IsCompleted)
            {
                EndServing(task, connection);
                return;
            }

            task.ContinueWith(
                (done, state) => EndServing(done, (SocketSession)state!),
                connection,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        /// <summary>Marks work that runs elsewhere (a runspace pool) so stopping waits for it; pair with <see cref="EndWork"/>.</summary>
        internal void BeginWork() => _work.Begin();

        internal void EndWork() => _work.End();

        internal void ReportOutput(object value)
        {
            try
            {
                Reporter.Output(value);
            }
            catch (Exception)
            {
                // A reporter must not throw; if it does, the event is lost rather than the server.
            }
        }

        internal void ReportError(SocketSessionException error)
        {
            try
            {
                Reporter.Error(error);
            }
            catch (Exception)
            {
                // As above.
            }
        }

        internal void ReportVerbose(string message)
        {
            try
            {
                Reporter.Verbose(message);
            }
            catch (Exception)
            {
                // As above.
            }
        }

        /// <summary>Reports an unexpected failure; socket errors keep their own ids.</summary>
        internal void ReportFailure(Exception error, SocketSession? connection)
        {
            if (error is SocketSessionException known)
            {
                ReportError(known);
                return;
            }

            string which = connection == null ? string.Empty : $" serving session {connection.Id} ({EndPoints.Format(connection.RemoteEndPoint)})";
            ReportError(new SocketSessionException(
                ErrorIds.ServerFailed,
                $"The {Mode} server on {_where} failed{which}: {error.Message}",
                (object?)connection ?? _listener,
                error));
        }

        /// <summary>A connection ended for a reason that is the client's business (it reset, went quiet...): Verbose only.</summary>
        internal void ReportConnectionEnded(SocketSession connection, SocketSessionException reason)
        {
            if (LogConnections)
            {
                ReportVerbose($"Session {connection.Id} ({EndPoints.Format(connection.RemoteEndPoint)}): {reason.Message}");
            }
        }

        private void EndServing(Task done, SocketSession connection)
        {
            try
            {
                if (done.IsFaulted)
                {
                    Exception error = done.Exception!.InnerException ?? done.Exception;
                    if (!(error is OperationCanceledException && IsStopping))
                    {
                        ReportFailure(error, connection);
                    }

                    CloseQuietly(connection);
                }
                else if (done.IsCanceled)
                {
                    CloseQuietly(connection);
                }
            }
            finally
            {
                _work.End();
            }
        }

        private static void CloseQuietly(SocketSession? connection)
        {
            try
            {
                connection?.Close();
            }
            catch (Exception)
            {
                // Closing is best effort once the work has failed.
            }
        }

        private async Task AcceptLoopAsync(Socket listening)
        {
            try
            {
                while (!_stopping.IsCancellationRequested)
                {
                    Socket accepted;
                    try
                    {
                        accepted = await listening.AcceptAsync().ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && (_listener.State == SocketState.Closed || IsStopping)))
                    {
                        break;
                    }
                    catch (SocketException e)
                    {
                        // The listener itself failed (out of file descriptors, say): the server goes on after a pause.
                        ReportAcceptError(SocketErrorTranslator.ForTransfer(e, $"accepting on {_where}", _listener));
                        await PauseAsync().ConfigureAwait(false);
                        continue;
                    }

                    if (IsStopping)
                    {
                        accepted.Dispose();
                        break;
                    }

                    SocketSession connection;
                    try
                    {
                        connection = SessionFactory.FromAccepted(accepted, _listener.Settings.Clone(), _listener.Registry);
                    }
                    catch (SocketException e)
                    {
                        // The client reset the connection before it could be set up: the server goes on with the others.
                        ReportAcceptError(SocketErrorTranslator.ForTransfer(e, $"accepting on {_where}", _listener));
                        continue;
                    }
                    catch (ObjectDisposedException)
                    {
                        continue;
                    }

                    Admit(connection);
                }
            }
            catch (Exception e)
            {
                _failure = e;
                ReportFailure(e, null);
            }
            finally
            {
                ShutdownInBackground();
            }
        }

        /// <summary>The datagram mode's receive loop in place of the accept loop; it ends when the listener closes.</summary>
        private async Task DatagramLoopAsync(IDatagramServerHandler receiver, Socket listening)
        {
            try
            {
                await receiver.RunAsync(listening, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && IsStopping))
            {
                _failure = e;
                ReportFailure(e, null);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
            finally
            {
                ShutdownInBackground();
            }
        }

        private async Task PauseAsync()
        {
            try
            {
                await Task.Delay(AcceptRetryMilliseconds, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the loop ends at its next check.
            }
        }

        /// <summary>
        /// Shuts down on a thread of its own: stopping waits for the connections' work, which needs the thread pool
        /// this loop runs on.
        /// </summary>
        private void ShutdownInBackground()
        {
            try
            {
                new Thread(GuardedShutdown) { IsBackground = true, Name = $"PSSocket {Mode} server {_where} stopping" }.Start();
            }
            catch (Exception)
            {
                GuardedShutdown();
            }
        }

        private void GuardedShutdown()
        {
            t_serving = this;
            try
            {
                Shutdown();
            }
            catch (Exception e)
            {
                // Shutdown reports its own failures; this is the last guard of the stopping thread.
                ReportFailure(e, null);
                _stopped.Set();
            }
        }

        private void Admit(SocketSession connection)
        {
            IPAddress? client = (connection.RemoteEndPoint as IPEndPoint)?.Address;
            string? refusal = null;
            if (Options.AllowedClients != null && !Options.AllowedClients.Allows(client))
            {
                refusal = "the address is not in -AllowedClient";
            }
            else if (Options.MaxConnections is int max && _connections.Open >= max)
            {
                refusal = $"{max} connections are open (-MaxConnections)";
            }

            if (refusal != null)
            {
                Statistics.CountRefused();
                connection.Close();
                if (LogConnections)
                {
                    ReportVerbose($"Refused {EndPoints.Format(connection.RemoteEndPoint)}: {refusal}.");
                }

                return;
            }

            _connections.Add(connection);
            Statistics.CountAccepted();
            connection.AfterClose += _onConnectionClosed;
            if (connection.State == SocketState.Closed)
            {
                OnConnectionClosed(connection);
            }

            if (LogConnections)
            {
                ReportVerbose($"Accepted {EndPoints.Format(connection.RemoteEndPoint)} as session {connection.Id}.");
            }

            try
            {
                TlsServerOptions? tls = _listener.ServerTls;
                if (tls == null)
                {
                    _handler.Handle(connection);
                }
                else
                {
                    Serve(connection, () => SecureThenHandleAsync(connection, tls));
                }
            }
            catch (Exception e)
            {
                ReportFailure(e, connection);
                connection.Close();
            }
        }

        /// <summary>The server side of the TLS handshake (within the connection's ConnectTimeout), then the mode's handling.</summary>
        private async Task SecureThenHandleAsync(SocketSession connection, TlsServerOptions tls)
        {
            try
            {
                await connection.Stream.ForServer.StartTlsAsync(tls, _stopping.Token).ConfigureAwait(false);
            }
            catch (SocketSessionException e)
            {
                // A failed handshake has closed the connection; the server goes on with the others.
                if (!IsStopping)
                {
                    ReportError(e);
                }

                connection.Close();
                return;
            }

            _handler.Handle(connection);
        }

        private void ReportAcceptError(SocketSessionException error)
        {
            long now = Stopwatch.GetTimestamp();
            long last = Interlocked.Read(ref _lastAcceptErrorTicks);
            if (last == 0 || (now - last) * 1000 / Stopwatch.Frequency >= AcceptErrorReportInterval)
            {
                Interlocked.Exchange(ref _lastAcceptErrorTicks, now);
                ReportError(error);
            }
        }

        private void OnConnectionClosed(SocketSession connection)
        {
            try
            {
                if (_connections.Remove(connection) && LogConnections)
                {
                    ReportVerbose(
                        $"Session {connection.Id} ({EndPoints.Format(connection.RemoteEndPoint)}) closed: "
                        + $"{connection.BytesReceived} bytes received, {connection.BytesSent} sent.");
                }
            }
            catch (Exception)
            {
                // Raised inside SocketSession.Close; never let bookkeeping fail a close.
            }
        }

        private void OnListenerClosed(SocketSession listener)
        {
            try
            {
                RequestStop();
            }
            catch (Exception)
            {
                // Raised inside SocketSession.Close; the close itself has succeeded.
            }
        }

        private void RequestStop()
        {
            if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
            {
                return;
            }

            Statistics.State = ServerState.Stopping;
            try
            {
                _stopping.Cancel();
            }
            catch (AggregateException)
            {
                // A registration threw; the token is cancelled all the same.
            }
        }

        private void WaitIfAllowed()
        {
            if (t_serving == this || Volatile.Read(ref _accepting) == 0)
            {
                return;
            }

            bool mayWait;
            try
            {
                mayWait = MayWaitOnClose();
            }
            catch (Exception)
            {
                mayWait = false;
            }

            if (mayWait)
            {
                _stopped.Wait(Options.StopTimeout + 2000);
            }
        }

        private void Shutdown()
        {
            RequestStop();
            try
            {
                _listener.Close();
            }
            catch (Exception e)
            {
                ReportFailure(e, null);
            }

            try
            {
                _handler.BeginStop();
            }
            catch (Exception e)
            {
                ReportFailure(e, null);
            }

            foreach (SocketSession connection in _connections.Snapshot())
            {
                try
                {
                    connection.Close();
                }
                catch (Exception e)
                {
                    ReportFailure(e, connection);
                }
            }

            if (!_work.WaitIdle(Options.StopTimeout))
            {
                ReportError(new SocketSessionException(
                    ErrorIds.HandlerTimedOut,
                    $"{_work.Count} handler(s) of the {Mode} server on {_where} did not end within {Options.StopTimeout} ms of the listener closing; they were abandoned.",
                    _listener));
            }

            try
            {
                _handler.Dispose();
            }
            catch (Exception e)
            {
                ReportFailure(e, null);
            }

            _listener.AfterClose -= OnListenerClosed;
            Statistics.MarkStopped(_failure == null ? ServerState.Stopped : ServerState.Failed);
            if (LogConnections)
            {
                ReportVerbose($"Stopped: {Statistics}.");
            }

            // Finished first: whoever waits for the stop (Close-Socket, Stop-Job) then sees the job in its final state.
            try
            {
                Finished?.Invoke(this);
            }
            catch (Exception)
            {
                // The job's state change failed; the server has stopped regardless.
            }

            _stopped.Set();
        }
    }
}
