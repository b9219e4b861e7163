using System.Management.Automation;
using PSSocket.Relays;

namespace PSSocket.Commands
{
    /// <summary>
    /// Makes a set of faults for a relay (Start-SocketListener -ForwardTo ... -Fault): latency and jitter, a bandwidth
    /// limit, split writes, a stall, a reset or close after N bytes, refused connections, UDP drops and reordering.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SocketFault")]
    [OutputType(typeof(RelayFaultSet))]
    public sealed class NewSocketFaultCommand : SocketFaultCmdlet
    {
        /// <summary>Seeds jitter, drops and reordering so a run repeats (per connection id and direction).</summary>
        [Parameter]
        public int Seed { get; set; }

        protected override void EndProcessing()
        {
            CheckFaultValues();
            var faults = new RelayFaultSet(IsBound(nameof(Seed)) ? Seed : (int?)null);
            ApplyTo(faults, RelayFaultScope.NewConnections);
            WriteObject(faults);
        }
    }
}
