using System;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;

namespace PSSocket.Tests.Servers
{
    /// <summary>Cmdlet tests of the background servers: one runspace is both the server's owner and its clients.</summary>
    public abstract class ServerTestBase : CmdletTestBase
    {
        /// <summary>How long a test waits for a server to catch up (accept, close) before it fails.</summary>
        protected const int CatchUp = 5000;

        /// <summary>Runs Start-SocketListener with these arguments as $l and returns the listener.</summary>
        protected SocketSession StartServer(string arguments) =>
            PS.Run($"$l = Start-SocketListener {arguments}; $l").Single<SocketSession>();

        /// <summary>Waits (bounded) until the condition holds; fails the test with <paramref name="what"/> otherwise.</summary>
        protected static void WaitUntil(Func<bool> condition, string what, int timeoutMs = CatchUp) => Wait.Until(condition, what, timeoutMs);

        public override void Dispose()
        {
            PS.Run("Get-Job | Remove-Job -Force");
            base.Dispose();
        }
    }
}
