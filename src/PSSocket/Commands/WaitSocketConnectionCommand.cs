using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Commands
{
    /// <summary>
    /// Waits for connections on a listener and writes each accepted connection as a session; on a listener that runs
    /// a background server, waits until the server's counters reach -Active, -Accepted or -Served.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "SocketConnection", DefaultParameterSetName = AcceptSet)]
    [OutputType(typeof(SocketSession), ParameterSetName = new[] { AcceptSet })]
    [OutputType(typeof(ServerStatistics), ParameterSetName = new[] { ServerSet })]
    public sealed class WaitSocketConnectionCommand : SocketCmdlet
    {
        private const string AcceptSet = "Accept";
        private const string ServerSet = "Server";
        /// <summary>How often the counters are read while waiting, in milliseconds.</summary>
        private const int PollInterval = 10;

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [Alias("Session")]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession? Listener { get; set; }

        /// <summary>How many connections to accept before returning.</summary>
        [Parameter(ParameterSetName = AcceptSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; } = 1;

        /// <summary>
        /// How long to wait for each connection (with -Active, -Accepted or -Served: for the counts), in
        /// milliseconds; -1 waits forever. Default: the listener's ReceiveTimeout.
        /// </summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>Waits until at least this many connections are open on the server at once.</summary>
        [Parameter(ParameterSetName = ServerSet)]
        [ValidateRange(0, int.MaxValue)]
        public int Active { get; set; }

        /// <summary>Waits until the server has accepted at least this many connections in all.</summary>
        [Parameter(ParameterSetName = ServerSet)]
        [ValidateRange(0, long.MaxValue)]
        public long Accepted { get; set; }

        /// <summary>Waits until at least this many connections have been served: accepted, and closed again.</summary>
        [Parameter(ParameterSetName = ServerSet)]
        [ValidateRange(0, long.MaxValue)]
        public long Served { get; set; }

        protected override void ProcessRecord()
        {
            SocketSession listener = Listener!;
            int timeout = IsBound(nameof(Timeout)) ? Timeout : listener.ReceiveTimeout;
            if (ParameterSetName == ServerSet)
            {
                WaitForServer(listener, timeout);
                return;
            }

            if (listener.Server != null && listener.State != SocketState.Closed)
            {
                // A background server accepts on this listener; a second acceptor would steal its connections.
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.ListenerInUse,
                    $"Session {listener.Id} runs a server in {listener.Server.Mode} mode, which accepts its connections; find them with Get-Socket -Role Accepted, or wait for its counts with -Active, -Accepted or -Served.",
                    listener)));
                return;
            }

            for (int i = 0; i < Count; i++)
            {
                SocketSession? accepted = null;
                if (!TryRun(() => accepted = listener.StreamFor("accept connections on").Accept(timeout, StopToken, true)))
                {
                    return;
                }

                if (IsVerbose)
                {
                    WriteVerbose($"Session {listener.Id}: accepted session {accepted!.Id} from {EndPoints.Format(accepted.RemoteEndPoint)}.");
                }

                WriteObject(accepted);
            }
        }

        private bool Reached(ServerStatistics server)
        {
            int active = server.Active;
            long accepted = server.Accepted;
            return (!IsBound(nameof(Active)) || active >= Active)
                && (!IsBound(nameof(Accepted)) || accepted >= Accepted)
                && (!IsBound(nameof(Served)) || accepted - active >= Served);
        }

        private void WaitForServer(SocketSession listener, int timeout)
        {
            ServerStatistics? server = listener.Server;
            if (server == null)
            {
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.NoServer,
                    $"Session {listener.Id} runs no background server; -Active, -Accepted and -Served wait for the counts of one (Start-SocketListener -Echo, -Greeting, -Broadcast or -ScriptBlock).",
                    listener)));
                return;
            }

            Deadline deadline = Deadline.After(timeout);
            while (!Reached(server))
            {
                if (server.State != ServerState.Running)
                {
                    WriteError(ErrorRecordFactory.From(new SocketSessionException(
                        ErrorIds.ServerStopped, $"The {server.Mode} server of session {listener.Id} is {server.State}: {server}.", listener)));
                    return;
                }

                if (deadline.HasExpired)
                {
                    WriteError(ErrorRecordFactory.From(new SocketSessionException(
                        ErrorIds.ServerWaitTimedOut, $"Within {timeout} ms the {server.Mode} server of session {listener.Id} reached only: {server}.", listener)));
                    return;
                }

                int wait = deadline.IsInfinite ? PollInterval : System.Math.Min(PollInterval, deadline.RemainingMilliseconds);
                if (StopToken.WaitHandle.WaitOne(wait))
                {
                    throw new PipelineStoppedException();
                }
            }

            if (IsVerbose)
            {
                WriteVerbose($"Session {listener.Id}: {server}.");
            }

            WriteObject(server);
        }
    }
}
