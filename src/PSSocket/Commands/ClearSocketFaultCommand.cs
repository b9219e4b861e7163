using System.Management.Automation;
using PSSocket.Relays;

namespace PSSocket.Commands
{
    /// <summary>
    /// Removes every fault of a relay and serves new clients again; a stall is lifted and held bytes flow on. By
    /// default open connections are healed too (-Scope NewConnections: only those that start later).
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "SocketFault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(RelayFaultSet))]
    public sealed class ClearSocketFaultCommand : SocketCmdlet
    {
        /// <summary>The relay: the listener or job Start-SocketListener -ForwardTo wrote, or a set from New-SocketFault.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Listener", "Job")]
        public object? InputObject { get; set; }

        /// <summary>AllConnections (the default): open connections too; NewConnections: only those that start later.</summary>
        [Parameter]
        public RelayFaultScope Scope { get; set; } = RelayFaultScope.AllConnections;

        /// <summary>Writes the fault set after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord() =>
            SocketFaultCmdlet.ChangeFaultsOf(this, InputObject, $"Clear faults for {Scope}", PassThru, f => f.Clear(Scope));
    }
}
