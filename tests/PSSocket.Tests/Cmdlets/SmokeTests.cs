using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    public class SmokeTests
    {
        [Fact]
        public void LifecycleInOnePipeline()
        {
            using var ps = new PowerShellHarness();
            var result = ps.Run(@"
$listener = Start-SocketListener
$client = Connect-Socket 127.0.0.1 $listener.LocalEndPoint.Port
$server = $listener | Wait-SocketConnection -Timeout 5000
$client | Send-SocketData 'hello' -Line -PassThru | Out-Null
$server | Receive-SocketData -Line
$client, $server, $listener | Close-Socket -PassThru | ForEach-Object { $_.State }
");
            result.ThrowOnError();
            Assert.Equal("hello", result.Output[0].BaseObject);
        }
    }
}
