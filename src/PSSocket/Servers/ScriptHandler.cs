using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net.Sockets;
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
    /// first argument. At most the throttle limit run at once. Silent clients cannot starve the others: a handler
    /// starts at once for a client that has sent nothing only while fewer than half the slots (at least one) run
    /// such handlers, so a server that speaks first still greets at once; other silent connections wait, costing a
    /// socket and no thread, for data (then they queue as ready clients) or for a silent slot. Clients that have
    /// sent something get every other slot, oldest first; at most the queue limit of them wait (counted in Queued
    /// with the silent ones), and more are closed unserved (QueueRefused). Each handler is isolated: its own
    /// PowerShell instance and local scope, its failure reported as HandlerFailed for its connection only, its
    /// timeout enforced by a timer that closes the connection and stops the pipeline.
    /// </summary>
    internal sealed partial class ScriptHandler : IConnectionHandler
    {
        public const int DefaultQueueLimit = 1024;

        private const string VariableDescription = "Passed to socket handlers by Start-SocketListener -Variable";

        /// <summary>Guards the queues of connections waiting for a handler, the running invocations, the silent count and the stopping flag.</summary>
        private readonly object _gate = new object();
        private readonly Queue<SocketSession> _ready = new Queue<SocketSession>();
        private readonly LinkedList<SocketSession> _silent = new LinkedList<SocketSession>();
        private readonly HashSet<Invocation> _running = new HashSet<Invocation>();
        private readonly string _script;
        private readonly object?[] _arguments;
        private readonly IReadOnlyDictionary<string, object?> _variables;
        private readonly string _modulePath;
        private readonly int _throttleLimit;
        private readonly int _handlerTimeout;
        private readonly int _silentLimit;
        private readonly int _queueLimit;
        private RunspacePool? _pool;
        private SocketServer? _server;
        private IHandlerStreams? _streams;
        private bool _stopping;
        private int _silentRunning;
        private int _armedTimers;

        /// <param name="script">The handler's text (a script block's, which is run anew in each runspace, as ForEach-Object -Parallel does).</param>
        /// <param name="arguments">Passed after the session.</param>
        /// <param name="variables">Set in every runspace of the pool.</param>
        /// <param name="modulePath">The module the pool imports, so handlers have the PSSocket cmdlets.</param>
        /// <param name="throttleLimit">Handlers running at once, and the size of the pool.</param>
        /// <param name="handlerTimeout">Milliseconds one handler may run; -1 without limit.</param>
        /// <param name="queueLimit">Connections with data that may wait for a free handler; more are closed unserved.</param>
        public ScriptHandler(
            string script,
            object?[]? arguments,
            IReadOnlyDictionary<string, object?>? variables,
            string modulePath,
            int throttleLimit,
            int handlerTimeout,
            int queueLimit = DefaultQueueLimit)
        {
            _queueLimit = Math.Max(0, queueLimit);
            _script = script ?? throw new ArgumentNullException(nameof(script));
            _arguments = arguments ?? Array.Empty<object?>();
            _variables = variables ?? new Dictionary<string, object?>();
            _modulePath = modulePath ?? throw new ArgumentNullException(nameof(modulePath));
            _throttleLimit = Math.Max(1, throttleLimit);
            _silentLimit = Math.Max(1, _throttleLimit / 2);
            _handlerTimeout = handlerTimeout < 0 ? Timeout.Infinite : handlerTimeout;
        }

        public ServerMode Mode => ServerMode.ScriptBlock;

        /// <summary>Runs as a handler starts (its slot taken, no pipeline yet): tests stop the server at that moment.</summary>
        internal Action? BeforeInvoke { get; set; }

        internal bool IsStopping
        {
            get
            {
                lock (_gate)
                {
                    return _stopping;
                }
            }
        }

        /// <summary>Handler timeout timers not yet disposed: 0 once every handler has ended.</summary>
        internal int ArmedTimers => Volatile.Read(ref _armedTimers);

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
            if (connection.Tls != null || HasData(connection))
            {
                Ready(connection);
                return;
            }

            LinkedListNode<SocketSession>? waiting = null;
            Invocation? invocation = null;
            lock (_gate)
            {
                if (_stopping)
                {
                }
                else if (_ready.Count == 0 && _running.Count < _throttleLimit && _silentRunning < _silentLimit)
                {
                    invocation = Take(connection, silent: true);
                }
                else
                {
                    waiting = _silent.AddLast(connection);
                    _server!.Statistics.AddQueued(1);
                    _server.Statistics.AddAwaitingData(1);
                }
            }

            if (invocation != null)
            {
                Begin(invocation);
            }
            else if (waiting != null)
            {
                WaitForData(waiting);
            }
            else
            {
                connection.Close();
            }
        }

        /// <summary>Whether bytes (or the end) wait to be read; a connection already gone counts, so its handler sees it end.</summary>
        private static bool HasData(SocketSession connection)
        {
            try
            {
                Socket? socket = connection.Socket;
                return socket == null || socket.Available > 0;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                return true;
            }
        }

        /// <summary>A silent connection waits, without a thread, for data, its end, or the idle timeout.</summary>
        private void WaitForData(LinkedListNode<SocketSession> waiting)
        {
            SocketServer server = _server!;
            server.BeginWork();
            try
            {
                FirstDataWait.Begin(waiting.Value, server.Options.IdleTimeout, hasData => FirstDataArrived(waiting, hasData));
            }
            catch
            {
                server.EndWork();
                throw;
            }
        }

        private void FirstDataArrived(LinkedListNode<SocketSession> waiting, bool hasData)
        {
            SocketServer server = _server!;
            SocketSession connection = waiting.Value;
            try
            {
                lock (_gate)
                {
                    if (waiting.List == null)
                    {
                        return; // started in a silent slot, or closed by the stop, meanwhile
                    }

                    _silent.Remove(waiting);
                    server.Statistics.AddQueued(-1);
                    server.Statistics.AddAwaitingData(-1);
                }

                if (hasData)
                {
                    Ready(connection);
                    return;
                }

                if (server.LogConnections && connection.State != SocketState.Closed)
                {
                    server.ReportVerbose($"Session {connection.Id} ({EndPoints.Format(connection.RemoteEndPoint)}) sent nothing within {server.Options.IdleTimeout} ms; closed.");
                }

                connection.Close();
            }
            catch (Exception e)
            {
                server.ReportFailure(e, connection);
                connection.Close();
            }
            finally
            {
                server.EndWork();
            }
        }

        /// <summary>A connection with data gets a handler now, or a place in the queue, or (queue full) is closed unserved.</summary>
        private void Ready(SocketSession connection)
        {
            Invocation? invocation = null;
            bool queueFull = false;
            lock (_gate)
            {
                if (_stopping)
                {
                }
                else if (_ready.Count == 0 && _running.Count < _throttleLimit)
                {
                    invocation = Take(connection, silent: false);
                }
                else if (_ready.Count < _queueLimit)
                {
                    _ready.Enqueue(connection);
                    _server!.Statistics.AddQueued(1);
                    return;
                }
                else
                {
                    queueFull = true;
                }
            }

            if (invocation != null)
            {
                Begin(invocation);
                return;
            }

            if (queueFull)
            {
                _server!.Statistics.CountQueueRefused();
                if (_server.LogConnections)
                {
                    _server.ReportVerbose($"Refused session {connection.Id} ({EndPoints.Format(connection.RemoteEndPoint)}): {_queueLimit} connections already wait for a handler (-QueueLimit).");
                }
            }

            connection.Close();
        }

        /// <summary>Takes a handler slot for the connection; call under the gate.</summary>
        private Invocation Take(SocketSession connection, bool silent)
        {
            var invocation = new Invocation(this, connection, silent);
            _running.Add(invocation);
            if (silent)
            {
                _silentRunning++;
            }

            return invocation;
        }

        public void BeginStop()
        {
            List<SocketSession> waiting;
            List<Invocation> running;
            lock (_gate)
            {
                _stopping = true;
                waiting = _ready.Concat(_silent).ToList();
                _server!.Statistics.AddAwaitingData(-_silent.Count);
                _ready.Clear();
                _silent.Clear();
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

                if (invocation.Silent)
                {
                    _silentRunning--;
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

        /// <summary>
        /// Gives a free slot to the connection with data that has waited longest, else to the oldest silent one if a
        /// silent slot is free; skips those closed while they waited.
        /// </summary>
        private void StartNextWaiting()
        {
            while (true)
            {
                Invocation next;
                lock (_gate)
                {
                    if (_stopping || _running.Count >= _throttleLimit)
                    {
                        return;
                    }

                    SocketSession connection;
                    bool silent = false;
                    if (_ready.Count > 0)
                    {
                        connection = _ready.Dequeue();
                    }
                    else if (_silent.Count > 0 && _silentRunning < _silentLimit)
                    {
                        connection = _silent.First!.Value;
                        _silent.RemoveFirst();
                        _server!.Statistics.AddAwaitingData(-1);
                        silent = true;
                    }
                    else
                    {
                        return;
                    }

                    _server!.Statistics.AddQueued(-1);
                    if (connection.State == SocketState.Closed)
                    {
                        continue;
                    }

                    next = Take(connection, silent);
                }

                Begin(next);
                return;
            }
        }
    }
}
