using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Waits for connections on a listener and writes each accepted connection as a session.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "SocketConnection")]
    [OutputType(typeof(SocketSession))]
    public sealed class WaitSocketConnectionCommand : SocketCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [Alias("Session")]
        public SocketSession? Listener { get; set; }

        /// <summary>How many connections to accept before returning.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; } = 1;

        /// <summary>How long to wait for each connection, in milliseconds; -1 waits forever. Default: the listener's ReceiveTimeout.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        protected override void ProcessRecord()
        {
            SocketSession listener = Listener!;
            if (listener.Server != null && listener.State != SocketState.Closed)
            {
                // A background server accepts on this listener; a second acceptor would steal its connections.
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.ListenerInUse,
                    $"Session {listener.Id} runs a server in {listener.Server.Mode} mode, which accepts its connections; find them with Get-Socket -Role Accepted.",
                    listener)));
                return;
            }

            int timeout = IsBound(nameof(Timeout)) ? Timeout : listener.ReceiveTimeout;
            for (int i = 0; i < Count; i++)
            {
                SocketSession? accepted = null;
                if (!TryRun(() => accepted = listener.Accept(timeout, StopToken)))
                {
                    return;
                }

                WriteObject(accepted);
            }
        }
    }
}
