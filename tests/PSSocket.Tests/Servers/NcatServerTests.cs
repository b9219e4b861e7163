using System;
using System.Linq;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>ncat, an independent client, against the background echo and broadcast servers.</summary>
    public class NcatServerTests : ServerTestBase
    {
        [NcatFact]
        public void NcatGetsItsBytesBackFromTheEchoServer()
        {
            SocketSession listener = StartServer("-Echo");
            byte[] payload = RawPeer.RandomBytes(1024 * 1024, seed: 42);
            Ncat ncat = Ncat.Connect(PortOf(listener));
            try
            {
                ncat.Send(payload);
                ncat.EndInput();
                Assert.True(ncat.WaitForExit(), "ncat did not finish");
                byte[] echoed = ncat.Received;
                Assert.Equal(payload.Length, echoed.Length);
                Assert.True(payload.SequenceEqual(echoed), "the echo differs from what ncat sent");
            }
            finally
            {
                ncat.Dispose();
            }

            WaitUntil(() => listener.Server!.Active == 0, "ncat's connection closed");
            Assert.Equal(1, listener.Server!.Accepted);
            Assert.Equal(payload.Length, listener.Server.BytesReceived);
            Assert.Equal(payload.Length, listener.Server.BytesSent);
        }

        [NcatFact]
        public void NcatChatsWithAModuleClientThroughTheBroadcastServerAndQuits()
        {
            SocketSession listener = StartServer("-Broadcast");
            PS.Run("$m = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port").ThrowOnError();
            Ncat ncat = Ncat.Connect(PortOf(listener));
            try
            {
                WaitUntil(() => listener.Server!.Active == 2, "ncat and the module client both connected");

                ncat.Send(Encoding.UTF8.GetBytes("hello from ncat\n"));
                Assert.Equal("hello from ncat", PS.Run("$m | Receive-SocketData -Line -Timeout 5000").Single<string>());

                PS.Run("$m | Send-SocketData 'hello from pwsh' -Line").ThrowOnError();
                Assert.Equal("hello from pwsh\n", Encoding.UTF8.GetString(ncat.WaitForOutput(16)));

                // ncat stays up while its stdin is open, even once the server has closed the connection.
                ncat.Send(Encoding.UTF8.GetBytes("quit\n"));
                Assert.Equal("hello from pwsh\nGoodbye.\n", Encoding.UTF8.GetString(ncat.WaitForOutput(25)));
                WaitUntil(() => listener.Server!.Active == 1, "ncat disconnected and dropped from the relay");
                ncat.EndInput();
                Assert.True(ncat.WaitForExit(), "ncat did not exit");
                Assert.Equal("hello from pwsh\nGoodbye.\n", Encoding.UTF8.GetString(ncat.Received));

                ScriptResult alone = PS.Run("$m | Send-SocketData 'anyone?' -Line; $m | Receive-SocketData -Timeout 300");
                Assert.Equal(new[] { "ReceiveTimedOut" }, alone.ErrorIds);
                Assert.Equal(SocketState.Connected, PS.Run("$m.State").Single<SocketState>());
            }
            finally
            {
                ncat.Dispose();
            }
        }

        [Fact]
        public void NcatIsThereUnderCi()
        {
            if (Ncat.UnderCi)
            {
                Assert.True(Ncat.IsInstalled, "CI=true but ncat is not installed; .ci/run installs it.");
            }
        }
    }
}
