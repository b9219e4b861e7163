using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Proxies;
using PSSocket.Threading;
using Xunit;
using static PSSocket.Tests.Proxies.ScriptedProxy;

namespace PSSocket.Tests.Proxies
{
    /// <summary>A proxy that never answers: the deadline ends the wait with ConnectTimedOut, and Ctrl+C (the token) ends it at once.</summary>
    public class TunnelWaitTests
    {
        private static TcpClient Connected(ScriptedProxy proxy, string scheme, out ProxyEndPoint endPoint)
        {
            endPoint = ProxyEndPoint.Parse($"{scheme}://127.0.0.1:{proxy.Port}");
            var client = new TcpClient();
            client.Connect(IPAddress.Loopback, proxy.Port);
            return client;
        }

        [Theory]
        [InlineData("socks5")]
        [InlineData("http")]
        public void ASilentProxyTimesOutAtTheDeadline(string scheme)
        {
            using ScriptedProxy proxy = Start(Then.Hold);
            using TcpClient client = Connected(proxy, scheme, out ProxyEndPoint endPoint);

            var error = Assert.Throws<SocketSessionException>(
                () => ProxyTunnel.Open(client.GetStream(), endPoint, "target.test", 80, Deadline.After(300), CancellationToken.None));
            Assert.Equal(ErrorIds.ConnectTimedOut, error.ErrorId);
            Assert.Contains("300 ms", error.Message);
        }

        [Theory]
        [InlineData("socks5")]
        [InlineData("http")]
        public void CancellationEndsTheWaitBeforeTheDeadline(string scheme)
        {
            using ScriptedProxy proxy = Start(Then.Hold);
            using TcpClient client = Connected(proxy, scheme, out ProxyEndPoint endPoint);
            using var stop = new CancellationTokenSource();
            var watch = Stopwatch.StartNew();

            Task opening = Task.Run(() => ProxyTunnel.Open(client.GetStream(), endPoint, "target.test", 80, Deadline.After(120_000), stop.Token));
            Thread.Sleep(200);
            Assert.False(opening.IsCompleted);
            stop.Cancel();

            // The deadline is 120 s: ending within 60 s can only be the cancellation's doing.
            Exception? thrown = Record.Exception(() => opening.Wait(TimeSpan.FromSeconds(60)));
            Assert.True(opening.IsCompleted, $"the tunnel still waited {watch.Elapsed} after the cancellation");
            Assert.IsAssignableFrom<OperationCanceledException>(Assert.IsType<AggregateException>(thrown).InnerException);
        }
    }
}
