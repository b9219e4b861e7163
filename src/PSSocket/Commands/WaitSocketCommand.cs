using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>
    /// select() for scripts: waits until one or more of the sessions given are ready for an event (data to read, end
    /// of stream, a connect finished, room to send) and writes the ready ones. It never takes a byte from a session.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "Socket")]
    [OutputType(typeof(SocketSession))]
    public sealed class WaitSocketCommand : SocketCmdlet
    {
        private readonly List<SocketSession> _sessions = new List<SocketSession>();

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession[] Session { get; set; } = new SocketSession[0];

        /// <summary>What to wait for: Read (the default), EndOfStream, Connect or Write; several: ready for any of them.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public ReadinessEvent[] For { get; set; } = { ReadinessEvent.Read };

        /// <summary>Milliseconds; -1 (the default) waits forever. A timeout writes the sessions ready by then (none when waiting for any) and is not an error.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; } = -1;

        /// <summary>Waits until every session is ready, not just one.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            foreach (SocketSession session in Session)
            {
                if (session != null)
                {
                    _sessions.Add(session);
                }
            }
        }

        protected override void EndProcessing()
        {
            IReadOnlyList<SocketSession> ready;
            try
            {
                ready = new ReadinessWait(_sessions, For, All).Wait(Timeout, StopToken);
            }
            catch (System.OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            if (IsVerbose)
            {
                WriteVerbose($"Wait-Socket: {ready.Count} of {_sessions.Count} session(s) ready for {string.Join(" or ", For)}.");
            }

            foreach (SocketSession session in ready)
            {
                WriteObject(session);
            }
        }
    }
}
