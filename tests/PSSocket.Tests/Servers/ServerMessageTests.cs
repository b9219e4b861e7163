using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>The servers' messages read as English whatever the mode's name.</summary>
    public sealed class ServerMessageTests : ServerTestBase
    {
        [Theory]
        [InlineData("-Echo", "Echo")]
        [InlineData("-Broadcast", "Broadcast")]
        public void AListenerInUseNamesItsModeGrammatically(string arguments, string mode)
        {
            StartServer(arguments);
            var result = PS.Run("$l | Wait-SocketConnection -Timeout 100");
            Assert.Equal(new[] { "ListenerInUse" }, result.ErrorIds);
            string message = result.Errors[0].Exception.Message;
            Assert.Contains($"runs a server in {mode} mode", message, System.StringComparison.Ordinal);
            Assert.DoesNotContain("a Echo", message, System.StringComparison.Ordinal);
        }
    }
}
