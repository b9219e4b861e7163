using System.Net.Sockets;
using System.Threading;
using PSSocket.Threading;

namespace PSSocket.Tls
{
    /// <summary>The TLS handshake of a session's socket, waited for on the calling (pipeline) thread.</summary>
    internal static class SessionTls
    {
        /// <param name="host">The name the session connected to: the default SNI name and the name the certificate must have.</param>
        public static TlsHandshakeResult Handshake(
            Socket socket, PendingRead? prefix, TlsOptions options, string? host, Deadline deadline, CancellationToken cancellationToken, object target)
        {
            string peer = EndPoints.FormatPeer(socket);
            string? targetHost = options is TlsClientOptions ? TargetName(host, socket) : null;
            var transport = new NetworkStream(socket, ownsSocket: false);
            return TaskWaiter.Result(
                TlsHandshake.AuthenticateAsync(transport, prefix, options, targetHost, peer, deadline, cancellationToken, target),
                cancellationToken,
                secured => secured.Stream.Dispose());
        }

        /// <summary>The name to check the certificate against: the host as given, without an IPv6 literal's brackets, else the peer's address.</summary>
        public static string TargetName(string? host, Socket? socket)
        {
            if (string.IsNullOrEmpty(host))
            {
                string address = EndPoints.Format(socket?.RemoteEndPoint);
                int colon = address.LastIndexOf(':');
                host = colon > 0 ? address.Substring(0, colon) : address;
            }

            return host!.Length > 2 && host[0] == '[' && host[host.Length - 1] == ']' ? host.Substring(1, host.Length - 2) : host;
        }
    }
}
