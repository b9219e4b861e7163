using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>
    /// Waits for connections on a listener and writes each accepted connection as a session; on a listener that runs
    /// a background server, waits until the server's counters reach -Active, -Accepted or -Served.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "SocketConnection", DefaultParameterSetName = AcceptSet)]
    [OutputType(typeof(SocketSession), ParameterSetName = new[] { AcceptSet })]
    [OutputType(typeof(ServerStatistics), ParameterSetName = new[] { ServerSet })]
    public sealed partial class WaitSocketConnectionCommand : SocketCmdlet
    {
        private const string AcceptSet = "Accept";
        private const string ServerSet = "Server";

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
                if (!TryRun(() => accepted = listener.Accept(timeout, StopToken)))
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
    }
}
