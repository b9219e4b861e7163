using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Lists the open sessions of this runspace: clients, accepted connections and listeners.</summary>
    [Cmdlet(VerbsCommon.Get, "Socket")]
    [OutputType(typeof(SocketSession))]
    public sealed class GetSocketCommand : SocketCmdlet
    {
        [Parameter(Position = 0)]
        public int[]? Id { get; set; }

        [Parameter]
        public SocketState[]? State { get; set; }

        [Parameter]
        public SocketRole[]? Role { get; set; }

        [Parameter]
        public SocketProtocol[]? Protocol { get; set; }

        protected override void EndProcessing()
        {
            IReadOnlyList<SocketSession> sessions = Registry.Snapshot();
            foreach (int missing in (Id ?? new int[0]).Where(id => sessions.All(s => s.Id != id)))
            {
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.SessionNotFound, $"There is no open session with Id {missing} in this runspace.", missing)));
            }

            foreach (SocketSession session in sessions)
            {
                if ((Id == null || Id.Contains(session.Id))
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
