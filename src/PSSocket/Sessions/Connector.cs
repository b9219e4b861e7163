using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Tries each address of a host in turn within one overall deadline, as ncat and browsers do, and
    /// returns the first socket that connects. Every socket that did not connect is disposed.
    /// </summary>
    internal static class Connector
    {
        /// <summary>Connects to the first of the request's addresses that accepts; throws the failure of the last.</summary>
        public static Socket Connect(ConnectRequest request) =>
            TaskWaiter.Result(ConnectAsync(request), request.CancellationToken, request.Discard);

        /// <summary>The same without holding a thread while it waits.</summary>
        public static async Task<Socket> ConnectAsync(ConnectRequest request)
        {
            (Socket? socket, SocketSessionException? failure) = await TryConnectAsync(request).ConfigureAwait(false);
            return socket ?? throw failure!;
        }

        /// <summary>
        /// The same, reporting a failure as a value instead of throwing it: many checks at once (Test-SocketPort)
        /// mostly fail, and a thrown exception costs more than a refused loopback connect. Only a cancellation,
        /// or a socket that cannot be made, throws. A socket that did not connect goes to the request's Discard.
        /// </summary>
        public static async Task<(Socket? Connected, SocketSessionException? Failure)> TryConnectAsync(ConnectRequest request)
        {
            IReadOnlyList<IPAddress> addresses = request.Addresses ?? throw new InvalidOperationException("The host is not resolved yet.");
            string host = request.ConnectHost;
            int port = request.ConnectPort;
            Deadline deadline = request.Deadline;
            object target = request.Target ?? host;
            IPAddress[] candidates = addresses.Where(a => request.Allows(a.AddressFamily)).ToArray();
            if (candidates.Length == 0)
            {
                return (null, new SocketSessionException(
                    ErrorIds.NoAddressForFamily,
                    $"'{host}' has no {FamilyName(request.Allows)} address; it has {string.Join(", ", addresses)}.",
                    target));
            }

            var failures = new List<SocketSessionException>();
            foreach (IPAddress address in candidates)
            {
                if (deadline.HasExpired)
                {
                    break;
                }

                request.Attempting?.Invoke(address);
                request.Trace?.Starting();
                (Socket? socket, SocketSessionException? failure) = await TryAddressAsync(request, address, target).ConfigureAwait(false);
                request.Trace?.Finished(address, failure?.ErrorId ?? "connected");
                if (socket != null)
                {
                    return request.Proxy == null ? (socket, null) : await ProxyStep.OpenTunnelAsync(request, socket).ConfigureAwait(false);
                }

                failures.Add(failure!);
            }

            if (failures.Count == 0 || deadline.HasExpired && failures[failures.Count - 1].ErrorId != ErrorIds.ConnectTimedOut)
            {
                failures.Add(new SocketSessionException(
                    ErrorIds.ConnectTimedOut,
                    $"Connection to {host} port {port} timed out after {deadline.TimeoutMilliseconds} ms.",
                    target));
            }

            if (failures.Count == 1)
            {
                return (null, failures[0]);
            }

            SocketSessionException last = failures[failures.Count - 1];
            return (null, new SocketSessionException(
                last.ErrorId,
                $"Could not connect to {host} port {port}; every address failed: {string.Join(" ", failures.Select(f => f.Message))}",
                target,
                last));
        }

        /// <summary>The family a session asked for, by what it allows: IPv4, IPv6, or either.</summary>
        private static string FamilyName(Func<AddressFamily, bool> allows)
        {
            bool v4 = allows(AddressFamily.InterNetwork);
            bool v6 = allows(AddressFamily.InterNetworkV6);
            return v4 && !v6 ? "IPv4" : v6 && !v4 ? "IPv6" : "IPv4 or IPv6";
        }

        private static async Task<(Socket? Connected, SocketSessionException? Failure)> TryAddressAsync(
            ConnectRequest request, IPAddress address, object target)
        {
            Deadline deadline = request.Deadline;
            CancellationToken cancellationToken = request.CancellationToken;
            Action<Socket> discard = request.Discard;
            var endPoint = new IPEndPoint(address, request.ConnectPort);
            string described = EndPoints.Format(endPoint);
            Socket socket = request.MakeSocket(address.AddressFamily);
            Task attempt;
            try
            {
                attempt = socket.ConnectAsync(endPoint);
            }
            catch (SocketException e)
            {
                discard(socket);
                return (null, SocketErrorTranslator.ForConnect(e, described, target));
            }

            bool finished;
            try
            {
                finished = await TaskWaiter.WaitAsync(attempt, deadline, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                discard(socket);
                TaskWaiter.Forget(attempt);
                throw;
            }

            if (!finished)
            {
                discard(socket);
                TaskWaiter.Forget(attempt);
                return (null, new SocketSessionException(
                    ErrorIds.ConnectTimedOut, $"Connection to {described} timed out after {deadline.TimeoutMilliseconds} ms.", target));
            }

            if (attempt.IsFaulted && attempt.Exception!.InnerException is SocketException refused)
            {
                discard(socket);
                return (null, SocketErrorTranslator.ForConnect(refused, described, target));
            }

            try
            {
                attempt.GetAwaiter().GetResult();
                return (socket, null);
            }
            catch (SocketException e)
            {
                discard(socket);
                return (null, SocketErrorTranslator.ForConnect(e, described, target));
            }
        }
    }
}
