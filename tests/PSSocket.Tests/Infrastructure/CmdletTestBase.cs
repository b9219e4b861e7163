using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>A runspace with the module imported, plus helpers to put peers on the other end.</summary>
    public abstract class CmdletTestBase : IDisposable
    {
        protected CmdletTestBase()
        {
            PS = new PowerShellHarness();
        }

        protected PowerShellHarness PS { get; }

        protected static int PortOf(SocketSession session) => ((IPEndPoint)session.LocalEndPoint!).Port;

        /// <summary>Connects the module to a raw listener and returns both ends: $client in the runspace, the raw server socket.</summary>
        protected Socket ConnectClientToRawServer(string variable = "client")
        {
            using Socket listener = RawPeer.Listen();
            PS.Run($"${variable} = Connect-Socket 127.0.0.1 {RawPeer.PortOf(listener)} -Timeout 15000").ThrowOnError();
            Socket server = listener.Accept();
            server.NoDelay = true;
            return server;
        }

        /// <summary>Runs a script in a second runspace on another thread: the other side of a conversation.</summary>
        protected static Task<ScriptResult> RunInBackground(PowerShellHarness harness, string script) =>
            Task.Factory.StartNew(() => harness.Run(script), TaskCreationOptions.LongRunning);

        public virtual void Dispose()
        {
            PS.Run("Get-Socket | Close-Socket");
            PS.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
