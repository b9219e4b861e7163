using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>A peer that resets the moment it accepts: the connect still gives a session, or an error with a stable id, never a raw SocketException.</summary>
    public class ImmediateResetTests : CmdletTestBase
    {
        private const int Rounds = 40;

        [Fact]
        public void AConnectThatThePeerResetsAtOnceEndsWithAStableErrorId()
        {
            using Socket listener = RawPeer.Listen(backlog: 64);
            using var stop = new CancellationTokenSource();
            Task resetting = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        Socket accepted = listener.Accept();
                        accepted.LingerState = new LingerOption(true, 0);
                        accepted.Close();
                    }
                    catch (SocketException)
                    {
                        return;
                    }
                    catch (System.ObjectDisposedException)
                    {
                        return;
                    }
                }
            });

            ScriptResult result = PS.Run(
                $"1..{Rounds} | ForEach-Object {{ $s = Connect-Socket 127.0.0.1 {RawPeer.PortOf(listener)} -Timeout 10000; if ($s) {{ $null = $s | Receive-SocketData -Line -Timeout 10000; $s | Close-Socket }} }}");
            stop.Cancel();
            listener.Close();
            resetting.Wait(5000);

            Assert.All(result.ErrorIds, id => Assert.Contains(id, new[] { "ConnectionReset", "ConnectionRefused", "ConnectionAborted" }));
            Assert.Null(result.Terminating);
        }
    }
}
