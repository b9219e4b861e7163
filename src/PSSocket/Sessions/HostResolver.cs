using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>Turns a host name or address literal into the addresses to try, in the resolver's order.</summary>
    internal static class HostResolver
    {
        /// <summary>
        /// Names answered before DNS is asked, so tests can give one name several loopback addresses
        /// (the machine's hosts file cannot be changed for them).
        /// </summary>
        internal static readonly ConcurrentDictionary<string, IPAddress[]> TestHosts =
            new ConcurrentDictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase);

        public static IPAddress[] Resolve(string host, Deadline deadline, CancellationToken cancellationToken) =>
            TaskWaiter.Result(ResolveAsync(host, deadline, cancellationToken), cancellationToken);

        /// <summary>The same without holding a thread while DNS answers, for many checks at once (Test-SocketPort).</summary>
        public static async Task<IPAddress[]> ResolveAsync(string host, Deadline deadline, CancellationToken cancellationToken)
        {
            string literal = host.Length > 2 && host[0] == '[' && host[host.Length - 1] == ']' ? host.Substring(1, host.Length - 2) : host;
            if (IPAddress.TryParse(literal, out IPAddress? address))
            {
                return new[] { address };
            }

            if (TestHosts.TryGetValue(host, out IPAddress[]? known))
            {
                return known;
            }

            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(host);
            if (!await TaskWaiter.WaitAsync(lookup, deadline, cancellationToken).ConfigureAwait(false))
            {
                TaskWaiter.Forget(lookup);
                throw new SocketSessionException(
                    ErrorIds.ConnectTimedOut, $"Resolving '{host}' did not finish within {deadline.TimeoutMilliseconds} ms.", host);
            }

            try
            {
                IPAddress[] addresses = lookup.GetAwaiter().GetResult()
                    .Where(a => a.AddressFamily == AddressFamily.InterNetwork || a.AddressFamily == AddressFamily.InterNetworkV6)
                    .ToArray();
                if (addresses.Length == 0)
                {
                    throw NotResolved(host, null);
                }

                return addresses;
            }
            catch (SocketException e)
            {
                throw NotResolved(host, e);
            }
        }

        private static SocketSessionException NotResolved(string host, Exception? inner) =>
            new SocketSessionException(ErrorIds.NameNotResolved, $"The host name '{host}' could not be resolved.", host, inner);
    }
}
