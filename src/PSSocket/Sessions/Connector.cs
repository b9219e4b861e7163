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
        public static Socket Connect(
            IReadOnlyList<IPAddress> addresses,
            int port,
            string host,
            Func<AddressFamily, Socket> makeSocket,
            Func<AddressFamily, bool> allows,
            Deadline deadline,
            CancellationToken cancellationToken,
            object target,
            Action<Socket>? discard = null,
            ConnectTrace? trace = null)
        {
            return TaskWaiter.Result(
                ConnectAsync(addresses, port, host, makeSocket, allows, deadline, cancellationToken, target, null, discard, trace),
                cancellationToken,
                discard ?? (socket => socket.Dispose()));
        }

        /// <summary>
        /// The same without holding a thread while it waits; <paramref name="attempting"/> hears each address as
        /// its attempt starts.
        /// </summary>
        public static async Task<Socket> ConnectAsync(
            IReadOnlyList<IPAddress> addresses,
            int port,
            string host,
            Func<AddressFamily, Socket> makeSocket,
            Func<AddressFamily, bool> allows,
            Deadline deadline,
            CancellationToken cancellationToken,
            object target,
            Action<IPAddress>? attempting,
            Action<Socket>? discard = null,
            ConnectTrace? trace = null)
        {
            (Socket? socket, SocketSessionException? failure) = await TryConnectAsync(
                addresses, port, host, makeSocket, allows, deadline, cancellationToken, target, attempting, discard, trace).ConfigureAwait(false);
            return socket ?? throw failure!;
        }

        /// <summary>
        /// The same, reporting a failure as a value instead of throwing it: many checks at once (Test-SocketPort)
        /// mostly fail, and a thrown exception costs more than a refused loopback connect. Only a cancellation,
        /// or a socket that cannot be made, throws. A socket that did not connect goes to <paramref name="discard"/>
        /// (by default it is disposed): a session that lent its own bound socket keeps it.
        /// </summary>
        public static async Task<(Socket? Connected, SocketSessionException? Failure)> TryConnectAsync(
            IReadOnlyList<IPAddress> addresses,
            int port,
            string host,
            Func<AddressFamily, Socket> makeSocket,
            Func<AddressFamily, bool> allows,
            Deadline deadline,
            CancellationToken cancellationToken,
            object target,
            Action<IPAddress>? attempting,
            Action<Socket>? discard = null,
            ConnectTrace? trace = null)
        {
            discard ??= socket => socket.Dispose();
            IPAddress[] candidates = addresses.Where(a => allows(a.AddressFamily)).ToArray();
            if (candidates.Length == 0)
            {
                return (null, new SocketSessionException(
                    ErrorIds.NoAddressForFamily,
                    $"'{host}' has no {FamilyName(allows)} address; it has {string.Join(", ", addresses)}.",
                    target));
            }

            var failures = new List<SocketSessionException>();
            foreach (IPAddress address in candidates)
            {
                if (deadline.HasExpired)
                {
                    break;
                }

                attempting?.Invoke(address);
                trace?.Starting();
                (Socket? socket, SocketSessionException? failure) = await TryAddressAsync(address, port, makeSocket, deadline, cancellationToken, target, discard).ConfigureAwait(false);
                trace?.Finished(address, failure?.ErrorId ?? "connected");
                if (socket != null)
                {
                    return (socket, null);
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
            IPAddress address,
            int port,
            Func<AddressFamily, Socket> makeSocket,
            Deadline deadline,
            CancellationToken cancellationToken,
            object target,
            Action<Socket> discard)
        {
            var endPoint = new IPEndPoint(address, port);
            string described = EndPoints.Format(endPoint);
            Socket socket = makeSocket(address.AddressFamily);
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
