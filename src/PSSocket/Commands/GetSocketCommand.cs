using System.Linq;
using System.Management.Automation;
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
            foreach (SocketSession session in Registry.Snapshot())
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
