using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>The PowerShell streams a script handler writes to, besides output and the server's own events.</summary>
    internal interface IHandlerStreams : IServerReporter
    {
        void Record(ErrorRecord record);

        void Record(WarningRecord record);

        void Record(VerboseRecord record);

        void Record(DebugRecord record);

        void Record(InformationRecord record);
    }

    /// <summary>
    /// Script-block mode: runs the handler once per connection in a runspace pool, the connection's session as the
    /// first argument. At most the throttle limit run at once; further connections wait in a queue (counted in
    /// Queued) and start as handlers end. Each handler is isolated: its own PowerShell instance and local scope, its
    /// failure reported as HandlerFailed for its connection only, its timeout enforced by a timer that closes the
    /// connection and stops the pipeline. This is the only server class that needs PowerShell itself.
    /// </summary>
    internal sealed class ScriptHandler : IConnectionHandler
    {
        private const string VariableDescription = "Passed to socket handlers by Start-SocketListener -Variable";

        private readonly object _gate = new object();
        private readonly Queue<SocketSession> _waiting = new Queue<SocketSession>();
        private readonly HashSet<Invocation> _running = new HashSet<Invocation>();
        private readonly string _script;
        private readonly object?[] _arguments;
        private readonly IReadOnlyDictionary<string, object?> _variables;
        private readonly string _modulePath;
        private readonly int _throttleLimit;
        private readonly int _handlerTimeout;
        private RunspacePool? _pool;
        private SocketServer? _server;
        private IHandlerStreams? _streams;
        private bool _stopping;

        /// <param name="script">The handler's text (a script block's, which is run anew in each runspace, as ForEach-Object -Parallel does).</param>
        /// <param name="arguments">Passed after the session.</param>
        /// <param name="variables">Set in every runspace of the pool.</param>
        /// <param name="modulePath">The module the pool imports, so handlers have the PSSocket cmdlets.</param>
        /// <param name="throttleLimit">Handlers running at once, and the size of the pool.</param>
        /// <param name="handlerTimeout">Milliseconds one handler may run; -1 without limit.</param>
        public ScriptHandler(
            string script,
            object?[]? arguments,
            IReadOnlyDictionary<string, object?>? variables,
            string modulePath,
            int throttleLimit,
            int handlerTimeout)
        {
            _script = script ?? throw new ArgumentNullException(nameof(script));
            _arguments = arguments ?? Array.Empty<object?>();
            _variables = variables ?? new Dictionary<string, object?>();
            _modulePath = modulePath ?? throw new ArgumentNullException(nameof(modulePath));
            _throttleLimit = Math.Max(1, throttleLimit);
            _handlerTimeout = handlerTimeout < 0 ? Timeout.Infinite : handlerTimeout;
        }

        public ServerMode Mode => ServerMode.ScriptBlock;

        /// <summary>Opens the pool, so a module that cannot be imported fails Start-SocketListener rather than each connection.</summary>
        public void Start(SocketServer server)
        {
            _server = server;
            _streams = server.Reporter as IHandlerStreams;
            InitialSessionState state = InitialSessionState.CreateDefault2();
            state.ThrowOnRunspaceOpenError = true;
            state.ImportPSModule(new[] { _modulePath });
            foreach (KeyValuePair<string, object?> variable in _variables)
            {
                state.Variables.Add(new SessionStateVariableEntry(variable.Key, variable.Value, VariableDescription));
            }

            RunspacePool pool = RunspaceFactory.CreateRunspacePool(state);
            try
            {
                pool.SetMaxRunspaces(_throttleLimit);
                pool.ThreadOptions = PSThreadOptions.ReuseThread;
                pool.Open();
            }
            catch
            {
                pool.Dispose();
                throw;
            }

            _pool = pool;
        }

        public void Handle(SocketSession connection)
        {
            Invocation? invocation = null;
            lock (_gate)
            {
                if (!_stopping)
                {
                    if (_running.Count >= _throttleLimit)
                    {
                        _waiting.Enqueue(connection);
                        _server!.Statistics.AddQueued(1);
                        return;
                    }

                    invocation = new Invocation(this, connection);
                    _running.Add(invocation);
                }
            }

            if (invocation == null)
            {
                connection.Close();
                return;
            }

            Begin(invocation);
        }

        public void BeginStop()
        {
            List<SocketSession> waiting;
            List<Invocation> running;
            lock (_gate)
            {
                _stopping = true;
                waiting = _waiting.ToList();
                _waiting.Clear();
                running = _running.ToList();
            }

            _server!.Statistics.AddQueued(-waiting.Count);
            foreach (SocketSession connection in waiting)
            {
                connection.Close();
            }

            foreach (Invocation invocation in running)
            {
                invocation.Stop();
            }
        }

        /// <summary>Closes the pool, waiting no longer than the server's stop timeout for a runspace stuck in a .NET call.</summary>
        public void Dispose()
        {
            RunspacePool? pool = _pool;
            _pool = null;
            if (pool == null)
            {
                return;
            }

            try
            {
                IAsyncResult closing = pool.BeginClose(null, null);
                if (closing.AsyncWaitHandle.WaitOne(_server?.Options.StopTimeout ?? ServerOptions.DefaultStopTimeout))
                {
                    pool.EndClose(closing);
                    pool.Dispose();
                }
            }
            catch (Exception e) when (e is RuntimeException || e is InvalidOperationException || e is ObjectDisposedException)
            {
                // The pool is going away either way.
            }
        }

        /// <summary>Starts a handler whose slot is taken (it is in the running set).</summary>
        private void Begin(Invocation invocation)
        {
            _server!.BeginWork();
            try
            {
                invocation.Begin();
            }
            catch (Exception e)
            {
                _server.ReportFailure(e, invocation.Connection);
                invocation.Connection.Close();
                Finished(invocation);
            }
        }

        private void Finished(Invocation invocation)
        {
            lock (_gate)
            {
                if (!_running.Remove(invocation))
                {
                    return;
                }
            }

            try
            {
                StartNextWaiting();
            }
            finally
            {
                _server!.EndWork();
            }
        }

        /// <summary>Starts the connection that has waited longest, skipping those closed while they waited.</summary>
        private void StartNextWaiting()
        {
            while (true)
            {
                Invocation next;
                lock (_gate)
                {
                    if (_stopping || _waiting.Count == 0 || _running.Count >= _throttleLimit)
                    {
                        return;
                    }

                    next = new Invocation(this, _waiting.Dequeue());
                    _server!.Statistics.AddQueued(-1);
                    if (next.Connection.State == SocketState.Closed)
                    {
                        continue;
                    }

                    _running.Add(next);
                }

                Begin(next);
                return;
            }
        }

        /// <summary>One handler run for one connection.</summary>
        private sealed class Invocation
        {
            private readonly ScriptHandler _owner;
            private readonly SocketSession _connection;
            private PowerShell? _powerShell;
            private Timer? _timer;
            private int _timedOut;
            private int _done;

            public Invocation(ScriptHandler owner, SocketSession connection)
            {
                _owner = owner;
                _connection = connection;
            }

            private SocketServer Server => _owner._server!;

            public SocketSession Connection => _connection;

            public void Begin()
            {
                PowerShell powerShell = PowerShell.Create();
                _powerShell = powerShell;
                powerShell.RunspacePool = _owner._pool;
                powerShell.AddScript(_owner._script, useLocalScope: true).AddArgument(_connection);
                foreach (object? argument in _owner._arguments)
                {
                    powerShell.AddArgument(argument);
                }

                var output = new PSDataCollection<PSObject>();
                ForwardAndDrop(output, item => Server.ReportOutput(item));
                IHandlerStreams? streams = _owner._streams;
                if (streams != null)
                {
                    PSDataStreams s = powerShell.Streams;
                    ForwardAndDrop(s.Error, item => streams.Record(item));
                    ForwardAndDrop(s.Warning, item => streams.Record(item));
                    ForwardAndDrop(s.Verbose, item => streams.Record(item));
                    ForwardAndDrop(s.Debug, item => streams.Record(item));
                    ForwardAndDrop(s.Information, item => streams.Record(item));
                }

                var input = new PSDataCollection<PSObject>();
                input.Complete();
                powerShell.BeginInvoke(input, output, null, Completed, null);
                if (_owner._handlerTimeout != Timeout.Infinite)
                {
                    _timer = new Timer(TimedOut, null, _owner._handlerTimeout, Timeout.Infinite);
                }
            }

            /// <summary>The server is stopping: stop the pipeline without waiting for it.</summary>
            public void Stop()
            {
                try
                {
                    _powerShell?.BeginStop(null, null);
                }
                catch (Exception e) when (e is ObjectDisposedException || e is InvalidOperationException || e is RuntimeException)
                {
                    // It ended meanwhile.
                }
            }

            /// <summary>
            /// Hands each item on as it is added and removes it from the collection, so a handler that writes for
            /// hours holds nothing it has already reported.
            /// </summary>
            private static void ForwardAndDrop<T>(PSDataCollection<T> collection, Action<T> forward)
            {
                collection.DataAdded += (sender, e) => Forward(() =>
                {
                    foreach (T item in collection.ReadAll())
                    {
                        forward(item);
                    }
                });
            }

            private static void Forward(Action forward)
            {
                try
                {
                    forward();
                }
                catch (Exception)
                {
                    // A stream event must never throw into the pipeline that raised it.
                }
            }

            private void TimedOut(object? state)
            {
                try
                {
                    if (Volatile.Read(ref _done) != 0 || Interlocked.Exchange(ref _timedOut, 1) != 0)
                    {
                        return;
                    }

                    Server.ReportError(new SocketSessionException(
                        ErrorIds.HandlerTimedOut,
                        $"The handler for session {_connection.Id} ({EndPoints.Format(_connection.RemoteEndPoint)}) ran longer than {_owner._handlerTimeout} ms; it was stopped and the connection closed.",
                        _connection));
                    _connection.Close();
                    Stop();
                }
                catch (Exception e)
                {
                    Server.ReportFailure(e, _connection);
                }
            }

            private void Completed(IAsyncResult result)
            {
                try
                {
                    _powerShell!.EndInvoke(result);
                }
                catch (Exception e) when (e is PipelineStoppedException || Volatile.Read(ref _timedOut) != 0 || Server.IsStopping)
                {
                    // Stopped by its timeout or by the server stopping; already reported, or nothing to report.
                }
                catch (Exception e)
                {
                    string message = e is RuntimeException runtime && runtime.ErrorRecord?.Exception != null
                        ? runtime.ErrorRecord.Exception.Message
                        : e.Message;
                    Server.ReportError(new SocketSessionException(
                        ErrorIds.HandlerFailed,
                        $"The handler for session {_connection.Id} ({EndPoints.Format(_connection.RemoteEndPoint)}) failed: {message}",
                        _connection,
                        e));
                }
                finally
                {
                    End();
                }
            }

            private void End()
            {
                Interlocked.Exchange(ref _done, 1);
                try
                {
                    _timer?.Dispose();
                    _connection.Close();
                    _powerShell?.Dispose();
                }
                catch (Exception e)
                {
                    Server.ReportFailure(e, _connection);
                }
                finally
                {
                    _owner.Finished(this);
                }
            }
        }
    }
}
