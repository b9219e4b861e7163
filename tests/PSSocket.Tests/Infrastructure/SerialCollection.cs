using Xunit;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>
    /// Tests that must not share the machine with the rest of the suite: a burst whose loss is measured, and tests
    /// that flip a process-wide switch. xunit runs this collection after the parallel ones, one test at a time.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SerialCollection
    {
        public const string Name = "Serial";
    }
}
