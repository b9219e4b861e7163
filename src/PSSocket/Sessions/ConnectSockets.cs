using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The sockets a session's connect tries, one per address (a failed connect leaves a socket unusable on Unix).
    /// A session that New-Socket bound lends its own socket to the first attempt of its family; every other attempt
    /// gets a fresh socket, bound to the same local address. Used by one connect at a time (the session's state
    /// admits one), so its two fields need no lock.
    /// </summary>
    internal sealed class ConnectSockets
    {
        private readonly SocketSession _session;
        private IPEndPoint? _localEndPoint;
        private bool _ownSocketLent;

        public ConnectSockets(SocketSession session)
        {
            _session = session;
        }

        /// <summary>The local address New-Socket asked for: every attempt's socket binds to it.</summary>
        public void BindEachTo(IPEndPoint localEndPoint) => _localEndPoint = localEndPoint;

        /// <summary>
        /// Connects to the request's host (resolved here, within its deadline) and returns the connected socket; the
        /// session does not hold it yet. The session's family, sockets and error target replace the request's.
        /// </summary>
        public Socket Connect(ConnectRequest request)
        {
            request.Addresses ??= HostResolver.Resolve(request.ConnectHost, request.Deadline, request.CancellationToken);
            return Connector.Connect(ForSession(request));
        }

        /// <summary>The same without holding a thread while it resolves and connects (Connect-Socket -NoWait).</summary>
        public async Task<Socket> ConnectAsync(ConnectRequest request)
        {
            request.Addresses ??= await HostResolver.ResolveAsync(request.ConnectHost, request.Deadline, request.CancellationToken).ConfigureAwait(false);
            return await Connector.ConnectAsync(ForSession(request)).ConfigureAwait(false);
        }

        private ConnectRequest ForSession(ConnectRequest request)
        {
            if (request.Trace != null)
            {
                request.Trace.Resolved = request.Addresses!;
            }

            request.Family = _session.Settings.Family;
            request.Target = _session;
            request.MakeSocket = ForFamily;
            request.Discard = Discard;
            return request;
        }

        /// <summary>Connects the session to the Unix socket at <paramref name="path"/>; the session holds the connection.</summary>
        public void ConnectPath(string path, int timeout, CancellationToken cancellationToken)
        {
            EndPoint endPoint = UnixEndPoints.Create(path, _session);
            UnixPathKind kind = UnixEndPoints.CheckConnectTarget(path, _session);
            Deadline deadline = Deadline.After(timeout);
            Socket socket = ForPath();
            bool keep = false;
            try
            {
                Task attempt = socket.ConnectAsync(endPoint);
                if (!TaskWaiter.Wait(attempt, deadline, cancellationToken))
                {
                    TaskWaiter.Forget(attempt);
                    throw new SocketSessionException(
                        ErrorIds.ConnectTimedOut, $"Connection to {path} timed out after {timeout} ms.", _session);
                }

                attempt.GetAwaiter().GetResult();
                _session.AdoptConnected(socket, null, null);
                keep = true;
            }
            catch (SocketException e)
            {
                throw UnixEndPoints.ForConnect(e, path, kind, _session.Protocol, _session);
            }
            finally
            {
                if (!keep && !ReferenceEquals(socket, _session.Socket))
                {
                    socket.Dispose();
                }
            }
        }

        /// <summary>A Unix socket for a connect to a path: the session's own bound socket once, else a new one.</summary>
        private Socket ForPath()
        {
            Socket? own = _session.Socket;
            Socket socket = own != null && !_ownSocketLent ? own : _session.Settings.NewUnixSocket(_session);
            _ownSocketLent = true;
            return socket;
        }

        private Socket ForFamily(AddressFamily family)
        {
            Socket? own = _session.Socket;
            if (own != null && !_ownSocketLent && own.AddressFamily == family)
            {
                // Options given to Connect-Socket after New-Socket bound the socket apply to it too.
                _session.Settings.ApplyTo(own);
                _ownSocketLent = true;
                return own;
            }

            Socket socket = _session.Settings.NewSocket(family);
            if (_localEndPoint != null)
            {
                try
                {
                    socket.Bind(_localEndPoint);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw SocketErrorTranslator.ForBind(e, EndPoints.Format(_localEndPoint), _session);
                }
            }

            return socket;
        }

        /// <summary>
        /// A socket whose connect failed. A bound datagram session's own socket stays: its background receiver reads from
        /// it, and a failed UDP connect leaves it usable. Any other is closed (a failed TCP connect leaves it unusable on Unix).
        /// </summary>
        private void Discard(Socket socket)
        {
            bool keep = _session.WithState((state, own) => ReferenceEquals(socket, own) && _session.IsDatagram && state != SocketState.Closed);
            if (keep)
            {
                _ownSocketLent = false;
                return;
            }

            socket.Dispose();
        }
    }
}
