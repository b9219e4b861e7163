using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    internal sealed partial class ScriptHandler
    {
        /// <summary>One handler run for one connection.</summary>
        private sealed class Invocation
        {
            private readonly ScriptHandler _owner;
            private readonly SocketSession _connection;
            /// <summary>Guards _invoked and _stopAsked, so a stop that comes while the handler is starting is never lost.</summary>
            private readonly object _gate = new object();
            private PowerShell? _powerShell;
            private Timer? _timer;
            private bool _invoked;
            private bool _stopAsked;
            private int _timedOut;
            private int _done;

            public Invocation(ScriptHandler owner, SocketSession connection, bool silent)
            {
                _owner = owner;
                _connection = connection;
                Silent = silent;
            }

            /// <summary>Started before its client had sent anything: it takes one of the slots silent clients may use.</summary>
            public bool Silent { get; }

            private SocketServer Server => _owner._server!;

            public SocketSession Connection => _connection;

            public void Begin()
            {
                _owner.BeforeInvoke?.Invoke();
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
                    ForwardAndDrop(s.Error, item =>
                    {
                        if (!ClosedByTheStop(item))
                        {
                            streams.Record(item);
                        }
                    });
                    ForwardAndDrop(s.Warning, item => streams.Record(item));
                    ForwardAndDrop(s.Verbose, item => streams.Record(item));
                    ForwardAndDrop(s.Debug, item => streams.Record(item));
                    ForwardAndDrop(s.Information, item => streams.Record(item));
                }

                var input = new PSDataCollection<PSObject>();
                input.Complete();

                // The timer exists before the handler runs, so a handler that ends at once disposes it (End).
                if (_owner._handlerTimeout != Timeout.Infinite)
                {
                    Interlocked.Increment(ref _owner._armedTimers);
                    _timer = new Timer(TimedOut, null, _owner._handlerTimeout, Timeout.Infinite);
                }

                try
                {
                    powerShell.BeginInvoke(input, output, null, Completed, null);
                }
                catch
                {
                    DisposeTimer();
                    throw;
                }

                bool stopAsked;
                lock (_gate)
                {
                    _invoked = true;
                    stopAsked = _stopAsked;
                }

                if (stopAsked)
                {
                    Stop(); // a stop came while the handler was starting
                }
            }

            /// <summary>The server is stopping: stop the pipeline without waiting for it; one still starting stops once started.</summary>
            public void Stop()
            {
                lock (_gate)
                {
                    _stopAsked = true;
                    if (!_invoked)
                    {
                        return;
                    }
                }

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

            /// <summary>A handler's receive or send that failed because the stopping server closed its connection: not the handler's fault.</summary>
            private bool ClosedByTheStop(ErrorRecord record) =>
                Server.IsStopping && record.FullyQualifiedErrorId != null
                && record.FullyQualifiedErrorId.StartsWith(ErrorIds.SessionClosed + ",", StringComparison.Ordinal);

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

            private void DisposeTimer()
            {
                Timer? timer = Interlocked.Exchange(ref _timer, null);
                if (timer != null)
                {
                    timer.Dispose();
                    Interlocked.Decrement(ref _owner._armedTimers);
                }
            }

            private void End()
            {
                Interlocked.Exchange(ref _done, 1);
                try
                {
                    DisposeTimer();

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
