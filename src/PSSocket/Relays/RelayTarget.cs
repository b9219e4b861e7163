using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Relays
{
    /// <summary>
    /// Where a relay forwards each connection: a host and port (each address tried in turn, as Connect-Socket does)
    /// or a Unix stream socket path, optionally spoken to in TLS with the certificate validated. Connects without
    /// holding a thread, within one timeout for the connect and the handshake together.
    /// </summary>
    internal sealed class RelayTarget
    {
        private RelayTarget(string? host, int port, string? path)
        {
            Host = host;
            Port = port;
            Path = path;
        }

        public string? Host { get; }

        public int Port { get; }

        /// <summary>The Unix socket path; null for a host and port.</summary>
        public string? Path { get; }

        /// <summary>Null: plaintext towards the target. Otherwise the client side of TLS, validated unless it says to skip.</summary>
        public TlsClientOptions? Tls { get; set; }

        public IPFamily Family { get; set; } = IPFamily.Any;

        /// <summary>Milliseconds for the connect and the TLS handshake together.</summary>
        public int ConnectTimeout { get; set; } = 10_000;

        public string Described => Path ?? (Host!.IndexOf(':') >= 0 ? $"[{Host}]:{Port}" : $"{Host}:{Port}");

        public static RelayTarget HostPort(string host, int port) => new RelayTarget(host, port, null);

        public static RelayTarget UnixPath(string path) => new RelayTarget(null, 0, path);

        /// <summary>A connected target; SocketSessionException (connect or TLS ids) when it cannot be reached.</summary>
        public async Task<RelayTargetEnd> ConnectAsync(object? errorTarget, CancellationToken cancellationToken)
        {
            Deadline deadline = Deadline.After(ConnectTimeout);
            Socket socket = Path != null
                ? await ConnectPathAsync(deadline, errorTarget, cancellationToken).ConfigureAwait(false)
                : await ConnectHostAsync(errorTarget, cancellationToken).ConfigureAwait(false);
            if (socket.AddressFamily != AddressFamily.Unix)
            {
                socket.NoDelay = true;
            }

            if (Tls == null)
            {
                return new RelayTargetEnd(socket, null);
            }

            try
            {
                TlsHandshakeResult secured = await TlsHandshake.AuthenticateAsync(
                    new NetworkStream(socket, ownsSocket: false), null, Tls, Host ?? Tls.ServerName, Described, deadline, cancellationToken, errorTarget)
                    .ConfigureAwait(false);
                return new RelayTargetEnd(socket, secured.Stream);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        private async Task<Socket> ConnectHostAsync(object? errorTarget, CancellationToken cancellationToken)
        {
            var request = new ConnectRequest(Host!, Port, ConnectTimeout, cancellationToken) { Family = Family, Target = errorTarget };
            request.Addresses = IPAddress.TryParse(Host, out IPAddress? literal)
                ? new[] { literal }
                : await HostResolver.ResolveAsync(Host!, request.Deadline, cancellationToken).ConfigureAwait(false);
            return await Connector.ConnectAsync(request).ConfigureAwait(false);
        }

        private async Task<Socket> ConnectPathAsync(Deadline deadline, object? errorTarget, CancellationToken cancellationToken)
        {
            EndPoint endPoint = UnixEndPoints.Create(Path!, errorTarget);
            Socket socket = UnixEndPoints.NewSocket(SocketProtocol.UnixStream, errorTarget);
            try
            {
                Task attempt = socket.ConnectAsync(endPoint);
                if (!await TaskWaiter.WaitAsync(attempt, deadline, cancellationToken).ConfigureAwait(false))
                {
                    TaskWaiter.Forget(attempt);
                    throw new SocketSessionException(ErrorIds.ConnectTimedOut, $"Connection to {Path} timed out after {ConnectTimeout} ms.", errorTarget);
                }

                await attempt.ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw UnixEndPoints.ForConnect(e, Path!, UnixEndPoints.Probe(Path!), SocketProtocol.UnixStream, errorTarget);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
