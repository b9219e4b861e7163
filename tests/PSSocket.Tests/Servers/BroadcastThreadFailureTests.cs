using System.Threading;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>A broadcast member whose reading thread cannot start leaves the member list and is closed.</summary>
    public sealed class BroadcastThreadFailureTests : ServerEngineTestBase
    {
        public BroadcastThreadFailureTests()
            : base(waitMs: 10_000)
        {
        }

        [Fact]
        public void AMemberWhoseThreadFailsToStartIsRemovedAndClosed()
        {
            var handler = new BroadcastHandler("quit");
            (SocketServer server, CollectingReporter reporter) = Serve(handler, new ServerOptions());
            server.StartThread = _ => throw new ThreadStateException("no thread for you");

            var client = Connect(server);
            Assert.Empty(RawPeer.ReceiveToEnd(client));
            WaitUntil(() => server.Statistics.Active == 0, "the connection closed");
            Assert.Equal(0, handler.MemberCount);
            Assert.Contains(reporter.Errors, e => e.ErrorId == ErrorIds.ServerFailed);
        }
    }
}
