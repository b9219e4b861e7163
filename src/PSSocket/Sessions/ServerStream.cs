using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Sessions
{
    /// <summary>
    /// What a background server needs of one of its connections without holding a thread: the server side of a TLS
    /// handshake, and receives and sends that complete asynchronously and count their bytes like the session's own
    /// calls. A server's connection uses these instead of the session's receiver and sender; nobody else reads from
    /// it meanwhile.
    /// </summary>
    internal sealed class ServerStream
    {
        private readonly SocketSession _session;

        /// <summary>Set once, under the session's state gate (AdoptTls), when a handshake succeeds; read without it by the I/O below.</summary>
        private volatile SslStream? _tls;

        public ServerStream(SocketSession session) => _session = session;

        /// <summary>The socket, for a server's own asynchronous operations while the connection is plaintext; null once it speaks TLS.</summary>
        public Socket? PlainSocket => _tls == null ? _session.Socket : null;

        /// <summary>
        /// The server side of the TLS handshake within the session's ConnectTimeout, holding no thread while the client
        /// answers. A failed or cancelled handshake closes the session and throws (TLS ids, or OperationCanceledException).
        /// </summary>
        public async Task StartTlsAsync(TlsServerOptions options, CancellationToken cancellationToken)
        {
            Socket socket = _session.WithState((state, current) =>
                state == SocketState.Connected && _session.Tls == null ? current! : throw _session.NotReady("start TLS on"));

            TlsHandshakeResult secured;
            try
            {
                secured = await TlsHandshake.AuthenticateAsync(
                    new NetworkStream(socket, ownsSocket: false),
                    null,
                    options,
                    null,
                    EndPoints.FormatPeer(socket),
                    Deadline.After(_session.ConnectTimeout),
                    cancellationToken,
                    _session).ConfigureAwait(false);
            }
            catch
            {
                _session.Close();
                throw;
            }

            _session.AdoptTls(secured);
            _tls = secured.Stream;
        }

        /// <summary>Counts bytes a server's own operation received on the plain socket.</summary>
        public void CountReceived(int count)
        {
            if (count > 0)
            {
                _session.Counters.AddReceived(count);
            }
        }

        /// <summary>Counts bytes a server's own operation sent on the plain socket.</summary>
        public void CountSent(int count)
        {
            if (count > 0)
            {
                _session.Counters.AddSent(count);
            }
        }

        /// <summary>Receives what has arrived (up to <paramref name="count"/> bytes, after TLS); 0 at the end of the stream.</summary>
        public async Task<int> ReceiveAsync(byte[] buffer, int offset, int count)
        {
            SslStream? tls = _tls;
            Socket socket = _session.Socket ?? throw _session.Closed();
            int received;
            try
            {
                received = tls != null
                    ? await tls.ReadAsync(buffer, offset, count).ConfigureAwait(false)
                    : await socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransferFailure(e))
            {
                throw TransferFailed(e, "receiving");
            }

            CountReceived(received);
            return received;
        }

        /// <summary>Sends every byte, counting each as it goes out; the count when all went out, the session's ids when not.</summary>
        public async Task<int> SendAsync(byte[] buffer, int offset, int count)
        {
            if (_session.State != SocketState.Connected)
            {
                throw _session.NotReady("send");
            }

            SslStream? tls = _tls;
            Socket socket = _session.Socket ?? throw _session.Closed();
            try
            {
                if (tls != null)
                {
                    await tls.WriteAsync(buffer, offset, count).ConfigureAwait(false);
                    CountSent(count);
                    return count;
                }

                for (int sent = 0; sent < count;)
                {
                    int n = await socket.SendAsync(new ArraySegment<byte>(buffer, offset + sent, count - sent), SocketFlags.None).ConfigureAwait(false);
                    sent += n;
                    CountSent(n);
                }

                return count;
            }
            catch (Exception e) when (IsTransferFailure(e))
            {
                throw TransferFailed(e, "sending");
            }
        }

        /// <summary>A server operation's failure as the session's error: SessionClosed once closed, else by the socket error.</summary>
        public SocketSessionException TransferFailed(Exception error, string activity)
        {
            Exception cause = error is IOException && error.InnerException is SocketException inner ? inner : error;
            if (cause is SocketException socketError && socketError.SocketErrorCode == SocketError.ConnectionReset)
            {
                _session.MarkReset();
            }

            if (_session.State == SocketState.Closed)
            {
                return _session.Closed();
            }

            string where = $"{activity} on session {_session.Id} ({EndPoints.Format(_session.RemoteEndPoint)})";
            return cause is SocketException failed
                ? SocketErrorTranslator.ForTransfer(failed, where, _session)
                : new SocketSessionException(ErrorIds.ConnectionAborted, $"The connection failed while {where}: {cause.Message}", _session, cause);
        }

        private static bool IsTransferFailure(Exception e) =>
            e is SocketException || e is ObjectDisposedException || e is IOException || e is InvalidOperationException;
    }
}
