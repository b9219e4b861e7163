using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Threading;

namespace PSSocket.Proxies
{
    /// <summary>
    /// The one entry point of the proxy client: given a stream already connected to the proxy, asks it for a tunnel to
    /// the target. Failures are SocketSessionExceptions with ProxyRefused, ProxyAuthenticationFailed,
    /// ProxyTargetUnreachable, ProxyProtocolError, or ConnectTimedOut when the deadline passes (NameNotResolved for a
    /// target name no proxy could resolve); Ctrl+C (the token) throws OperationCanceledException. After any failure
    /// the stream is in no known state: the caller closes it.
    /// </summary>
    internal static class ProxyTunnel
    {
        /// <summary>Opens the tunnel, waited for on the calling thread (Connect-Socket), which the token wakes at once.</summary>
        public static ProxyTunnelResult Open(
            Stream toProxy, ProxyEndPoint proxy, string targetHost, int targetPort, Deadline deadline, CancellationToken cancellationToken) =>
            TaskWaiter.Result(OpenAsync(toProxy, proxy, targetHost, targetPort, deadline, cancellationToken), cancellationToken);

        /// <summary>
        /// The form for a connector that has just connected <paramref name="toProxy"/> to the proxy's end point: the
        /// socket stays open and the session's, to use directly once the tunnel is open.
        /// </summary>
        public static ProxyTunnelResult Open(
            Socket toProxy, ProxyEndPoint proxy, string targetHost, int targetPort, Deadline deadline, CancellationToken cancellationToken) =>
            TaskWaiter.Result(OpenAsync(toProxy, proxy, targetHost, targetPort, deadline, cancellationToken), cancellationToken);

        /// <summary>The socket form without holding a thread while it waits (many checks at once, Test-SocketPort).</summary>
        public static async Task<ProxyTunnelResult> OpenAsync(
            Socket toProxy, ProxyEndPoint proxy, string targetHost, int targetPort, Deadline deadline, CancellationToken cancellationToken)
        {
            using var stream = new NetworkStream(toProxy ?? throw new ArgumentNullException(nameof(toProxy)), ownsSocket: false);
            return await OpenAsync(stream, proxy, targetHost, targetPort, deadline, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The same without holding a thread while it waits.</summary>
        public static async Task<ProxyTunnelResult> OpenAsync(
            Stream toProxy, ProxyEndPoint proxy, string targetHost, int targetPort, Deadline deadline, CancellationToken cancellationToken)
        {
            if (toProxy == null)
            {
                throw new ArgumentNullException(nameof(toProxy));
            }

            if (proxy == null)
            {
                throw new ArgumentNullException(nameof(proxy));
            }

            ProxyTarget target = ProxyTarget.Of(targetHost, targetPort);
            var channel = new ProxyChannel(toProxy, new ProxyFailure(proxy, target), deadline, cancellationToken);
            if (proxy.Kind == ProxyKind.Socks5)
            {
                var bound = await Socks5Handshake.RunAsync(channel, proxy, target).ConfigureAwait(false);
                return new ProxyTunnelResult(proxy, target.Host, target.Port, channel.TakeLeftover(), bound, null);
            }

            string statusLine = await HttpConnectHandshake.RunAsync(channel, proxy, target).ConfigureAwait(false);
            return new ProxyTunnelResult(proxy, target.Host, target.Port, channel.TakeLeftover(), null, statusLine);
        }
    }
}
