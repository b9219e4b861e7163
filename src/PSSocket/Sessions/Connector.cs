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
            object target)
        {
            IPAddress[] candidates = addresses.Where(a => allows(a.AddressFamily)).ToArray();
            if (candidates.Length == 0)
            {
                throw new SocketSessionException(
                    ErrorIds.NoAddressForFamily,
                    $"'{host}' has no address of the family this session uses ({string.Join(", ", addresses)}).",
                    target);
            }

            var failures = new List<SocketSessionException>();
            foreach (IPAddress address in candidates)
            {
                if (deadline.HasExpired)
                {
                    break;
                }

                SocketSessionException? failure = TryConnect(address, port, makeSocket, deadline, cancellationToken, target, out Socket? socket);
                if (socket != null)
                {
                    return socket;
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
                throw failures[0];
            }

            SocketSessionException last = failures[failures.Count - 1];
            throw new SocketSessionException(
                last.ErrorId,
                $"Could not connect to {host} port {port}; every address failed: {string.Join(" ", failures.Select(f => f.Message))}",
                target,
                last);
        }

        private static SocketSessionException? TryConnect(
            IPAddress address,
            int port,
            Func<AddressFamily, Socket> makeSocket,
            Deadline deadline,
            CancellationToken cancellationToken,
            object target,
            out Socket? connected)
        {
            connected = null;
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
                socket.Dispose();
                return SocketErrorTranslator.ForConnect(e, described, target);
            }

            bool finished;
            try
            {
                finished = TaskWaiter.Wait(attempt, deadline, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                TaskWaiter.Forget(attempt);
                throw;
            }

            if (!finished)
            {
                socket.Dispose();
                TaskWaiter.Forget(attempt);
                return new SocketSessionException(
                    ErrorIds.ConnectTimedOut, $"Connection to {described} timed out after {deadline.TimeoutMilliseconds} ms.", target);
            }

            try
            {
                attempt.GetAwaiter().GetResult();
                connected = socket;
                return null;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                return SocketErrorTranslator.ForConnect(e, described, target);
            }
        }
    }
}
