using System.Management.Automation;
using PSSocket.Relays;

namespace PSSocket.Commands
{
    /// <summary>
    /// Changes the faults of a running relay (its listener, its job, or its fault set): only the parameters given
    /// change; by default open connections see the change at their next chunk (-Scope NewConnections: only later ones).
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "SocketFault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(RelayFaultSet))]
    public sealed class SetSocketFaultCommand : SocketFaultCmdlet
    {
        /// <summary>The relay: the listener or job Start-SocketListener -ForwardTo wrote, or a set from New-SocketFault.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("Listener", "Job")]
        public object? InputObject { get; set; }

        /// <summary>AllConnections (the default): open connections too, from their next chunk; NewConnections: only those that start later.</summary>
        [Parameter]
        public RelayFaultScope Scope { get; set; } = RelayFaultScope.AllConnections;

        /// <summary>Writes the fault set after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing() => CheckFaultValues();

        protected override void ProcessRecord() =>
            SocketFaultCmdlet.ChangeFaultsOf(this, InputObject, $"Set faults for {Scope}", PassThru, f => ApplyTo(f, Scope));
    }
}
