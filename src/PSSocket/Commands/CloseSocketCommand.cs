using System.Management.Automation;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Closes a session gracefully, or shuts down only its send side. Closing a closed session does nothing.</summary>
    [Cmdlet(VerbsCommon.Close, "Socket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SocketSession))]
    public sealed class CloseSocketCommand : SocketCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [Alias("Listener", "InputObject")]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession? Session { get; set; }

        /// <summary>Shuts down only the send side (half-close): the peer sees end of stream and can still answer.</summary>
        [Parameter]
        [Alias("HalfClose")]
        public SwitchParameter SendOnly { get; set; }

        /// <summary>Writes the session, with its final state and counters.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            SocketSession session = Session!;
            if (!ShouldProcess(SessionIdCompleter.Describe(session), SendOnly ? "Shut down the send side" : "Close"))
            {
                return;
            }

            string described = IsVerbose ? Describe(session) : string.Empty;
            if (IsDebug)
            {
                WriteDebug($"Session {session.Id}: {session.State}, {session.BytesBuffered} bytes buffered and unread.");
            }

            bool done = SendOnly ? TryRun(session.ShutdownSend) : TryRun(session.Close);
            if (done && IsVerbose)
            {
                WriteVerbose(SendOnly
                    ? $"Shut down the send side of {described} (half-close); it can still receive."
                    : $"Closed {described}: sent {session.BytesSent} and received {session.BytesReceived} bytes.");
                if (!SendOnly && session.Server != null)
                {
                    // Closing the listener stopped its background server (and waited for it): say what it did.
                    WriteVerbose($"Session {session.Id}: {session.Server}.");
                }
            }

            if (done && PassThru)
            {
                WriteObject(session);
            }
        }
    }
}
