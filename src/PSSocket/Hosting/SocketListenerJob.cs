using System;
using System.Management.Automation;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;

namespace PSSocket.Hosting
{
    /// <summary>
    /// A background server as a PowerShell job: Get-Job lists it, Receive-Job reads what its handlers wrote and the
    /// errors the server caught, Wait-Job waits for it to end, Stop-Job stops it, Remove-Job forgets it. The server
    /// fills the job's collections from its own threads; only Receive-Job, on the pipeline thread, writes them to
    /// PowerShell's streams. The job ends Completed when the listener is closed (Close-Socket), Stopped after
    /// Stop-Job, Failed when the server itself failed.
    /// </summary>
    public sealed class SocketListenerJob : Job, IHandlerStreams
    {
        public const string JobTypeName = "SocketListenerJob";

        /// <summary>Guards _finished and the job state, so Running never overwrites the final state of a server that already stopped.</summary>
        private readonly object _stateGate = new object();
        private readonly SocketServer _server;
        private bool _finished;

        internal SocketListenerJob(SocketServer server, string command, string? name)
            : base(command, name)
        {
            _server = server;
            PSJobTypeName = JobTypeName;
            Output.EnumeratorNeverBlocks = true;
            Error.EnumeratorNeverBlocks = true;
            Warning.EnumeratorNeverBlocks = true;
            Verbose.EnumeratorNeverBlocks = true;
            Debug.EnumeratorNeverBlocks = true;
            Information.EnumeratorNeverBlocks = true;
            Progress.EnumeratorNeverBlocks = true;
            server.Reporter = this;
            server.Finished += OnServerFinished;
        }

        /// <summary>The listening session the server accepts on.</summary>
        public SocketSession Listener => _server.Listener;

        /// <summary>The server's counters: accepted, active, refused, bytes received and sent.</summary>
        public ServerStatistics Server => _server.Statistics;

        public override string Location => EndPoints.Format(_server.Listener.LocalEndPoint);

        public override string StatusMessage => _server.Statistics.ToString();

        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Information.Count > 0;

        /// <summary>Stop-Job: stops accepting, closes the connections, stops the handlers; the job ends Stopped.</summary>
        public override void StopJob()
        {
            _server.Stop();
        }

        void IServerReporter.Output(object value) => Add(() => Output.Add(PSObject.AsPSObject(value)));

        void IServerReporter.Error(SocketSessionException error) => Add(() => Error.Add(ErrorRecordFactory.From(error)));

        void IServerReporter.Verbose(string message) => Add(() => Verbose.Add(new VerboseRecord(message)));

        void IHandlerStreams.Record(ErrorRecord record) => Add(() => Error.Add(record));

        void IHandlerStreams.Record(WarningRecord record) => Add(() => Warning.Add(record));

        void IHandlerStreams.Record(VerboseRecord record) => Add(() => Verbose.Add(record));

        void IHandlerStreams.Record(DebugRecord record) => Add(() => Debug.Add(record));

        void IHandlerStreams.Record(InformationRecord record) => Add(() => Information.Add(record));

        /// <summary>Called by Start-SocketListener once the server accepts.</summary>
        internal void MarkRunning()
        {
            lock (_stateGate)
            {
                if (!_finished)
                {
                    SetJobState(JobState.Running);
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_server.IsStopped)
            {
                try
                {
                    _server.Stop();
                }
                catch (Exception)
                {
                    // Remove-Job must not fail because the server could not stop cleanly.
                }
            }

            base.Dispose(disposing);
        }

        private static void Add(Action add)
        {
            try
            {
                add();
            }
            catch (Exception e) when (e is ObjectDisposedException || e is PSInvalidOperationException || e is InvalidOperationException)
            {
                // The job was removed (its collections closed) while the server still reported.
            }
        }

        private void OnServerFinished(SocketServer server)
        {
            JobState final = server.Statistics.State == ServerState.Failed
                ? JobState.Failed
                : server.StoppedByRequest ? JobState.Stopped : JobState.Completed;
            try
            {
                lock (_stateGate)
                {
                    _finished = true;
                    SetJobState(final);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException || e is InvalidOperationException)
            {
                // Removed meanwhile.
            }
        }
    }
}
