using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Lists the open sessions of this runspace: clients, accepted connections and listeners.</summary>
    [Cmdlet(VerbsCommon.Get, "Socket")]
    [OutputType(typeof(SocketSession))]
    public sealed class GetSocketCommand : SocketCmdlet
    {
        private readonly List<int> _ids = new List<int>();
        private bool _idGiven;

        /// <summary>Session ids; binds the Id of objects piped in (sessions, or rows with an Id column).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public int[]? Id { get; set; }

        /// <summary>Only sessions in these states; the list holds open sessions, so Closed is not offered (nor accepted).</summary>
        [Parameter]
        [ValidateSet(nameof(SocketState.Created), nameof(SocketState.Bound), nameof(SocketState.Listening), nameof(SocketState.Connected), nameof(SocketState.SendShutdown), nameof(SocketState.Reset))]
        public SocketState[]? State { get; set; }

        [Parameter]
        public SocketRole[]? Role { get; set; }

        [Parameter]
        public SocketProtocol[]? Protocol { get; set; }

        protected override void ProcessRecord()
        {
            if (Id != null)
            {
                _idGiven = true;
                _ids.AddRange(Id);
            }
        }

        protected override void EndProcessing()
        {
            IReadOnlyList<SocketSession> sessions = Registry.Snapshot();
            foreach (int missing in _ids.Distinct().Where(id => sessions.All(s => s.Id != id)))
            {
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.SessionNotFound, $"There is no open session with Id {missing} in this runspace.", missing)));
            }

            if (IsDebug)
            {
                WriteDebug($"Get-Socket: {sessions.Count} open session{(sessions.Count == 1 ? string.Empty : "s")} in this runspace.");
            }

            foreach (SocketSession session in sessions)
            {
                if ((!_idGiven || _ids.Contains(session.Id))
                    && (State == null || State.Contains(session.State))
                    && (Role == null || Role.Contains(session.Role))
                    && (Protocol == null || Protocol.Contains(session.Protocol)))
                {
                    WriteObject(session);
                }
            }
        }
    }
}
