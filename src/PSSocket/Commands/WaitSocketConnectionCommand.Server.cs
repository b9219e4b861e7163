using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Commands
{
    /// <summary>Wait-SocketConnection on a background server: waits, with a timeout and Ctrl+C, for its counters.</summary>
    public sealed partial class WaitSocketConnectionCommand
    {
        /// <summary>How often the counters are read while waiting, in milliseconds.</summary>
        private const int PollInterval = 10;

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
