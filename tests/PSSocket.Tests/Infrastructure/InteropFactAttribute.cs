using System.Linq;
using Xunit;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>
    /// A test against real peer programs. Skipped when one is not installed, unless CI=true: there a missing peer
    /// fails the test (ExternalPeer.Start throws), so CI cannot pass without running the interop tests.
    /// </summary>
    public sealed class InteropFactAttribute : FactAttribute
    {
        public InteropFactAttribute(params string[] programs)
        {
            string? missing = programs.FirstOrDefault(p => !ExternalPeer.IsInstalled(p));
            if (missing != null && !ExternalPeer.IsCI)
            {
                Skip = $"{missing} is not installed (with CI=true this test fails instead of skipping).";
            }
        }
    }
}
