using System.Management.Automation;

namespace PSSocket.Bench
{
    /// <summary>A compiled cmdlet that does nothing: what one cmdlet call costs in the engine, for the round-trip reference.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "BenchNothing")]
    public sealed class NothingCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        [Parameter(Position = 0)]
        public object? Data { get; set; }

        [Parameter]
        public int Count { get; set; }

        protected override void ProcessRecord()
        {
        }
    }
}
