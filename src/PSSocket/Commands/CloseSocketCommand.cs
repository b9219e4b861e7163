using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Closes a session gracefully, or shuts down only its send side. Closing a closed session does nothing.</summary>
    [Cmdlet(VerbsCommon.Close, "Socket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SocketSession))]
    public sealed class CloseSocketCommand : SocketCmdlet
    {
        /// <summary>How long closing a listener waits for its background server to stop before leaving it to stop in the background.</summary>
        public const int ServerStopWait = 1000;

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

            bool done = SendOnly ? TryRun(() => session.StreamFor("shut down the send side of").ShutdownSend()) : TryRun(session.Close);
            if (done && IsVerbose)
            {
                WriteVerbose(SendOnly
                    ? $"Shut down the send side of {described} (half-close); it can still receive."
                    : $"Closed {described}: sent {session.BytesSent} and received {session.BytesReceived} bytes.");
            }

            if (done && !SendOnly && session.Server != null)
            {
                WaitForServer(session);
            }

            if (done && PassThru)
            {
                WriteObject(session);
            }
        }

        /// <summary>
        /// Closing the listener stops its background server; a brief wait (Ctrl+C ends it) usually sees it stopped.
        /// Handlers that take longer stop in the background, and the job records how the server ended.
        /// </summary>
        private void WaitForServer(SocketSession listener)
        {
            bool stopped;
            try
            {
                stopped = listener.Server!.WaitForStop(ServerStopWait, StopToken);
            }
            catch (System.OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            if (!IsVerbose)
            {
                return;
            }

            WriteVerbose(stopped
                ? $"Session {listener.Id}: {listener.Server}."
                : $"Session {listener.Id}: the {listener.Server!.Mode} server is still stopping its handlers; it goes on in the background, and its job records how it ends.");
        }
    }
}
