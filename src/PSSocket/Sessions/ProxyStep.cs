using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Proxies;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The step of a connect through a proxy that follows the connection to the proxy: asking it for a tunnel to the
    /// request's host and port, within the request's deadline. The tunnel's result goes on the request.
    /// </summary>
    internal static class ProxyStep
    {
        /// <summary>
        /// The socket, tunnelled to the target, or the tunnel's failure as a value (the socket then goes to the
        /// request's Discard). Only a cancellation throws, after discarding the socket too.
        /// </summary>
        public static async Task<(Socket? Connected, SocketSessionException? Failure)> OpenTunnelAsync(ConnectRequest request, Socket toProxy)
        {
            try
            {
                request.Tunnel = await ProxyTunnel.OpenAsync(
                    toProxy, request.Proxy!, request.Host, request.Port, request.Deadline, request.CancellationToken).ConfigureAwait(false);
                return (toProxy, null);
            }
            catch (SocketSessionException e)
            {
                request.Discard(toProxy);
                return (null, e);
            }
            catch
            {
                request.Discard(toProxy);
                throw;
            }
        }
    }
}
