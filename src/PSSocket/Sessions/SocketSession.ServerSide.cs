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
    /// What a background server needs of its sessions without holding a thread: the listening socket for its own
    /// accept loop, adopting what that loop accepts, the server side of a TLS handshake, and receives and sends that
    /// complete asynchronously and count their bytes like the session's own calls. A server's connection uses these
    /// instead of the session's receiver and sender; nobody else reads from it meanwhile.
    /// </summary>
    public sealed partial class SocketSession
    {
        /// <summary>Set once, under _stateGate, when a server-side handshake succeeds; read without the gate by the I/O below.</summary>
        private volatile SslStream? _serverTlsStream;

        /// <summary>The listening socket, for a server's accept loop; SessionClosed or NotListening otherwise.</summary>
        internal Socket ListeningSocket => EnsureListening();

        /// <summary>Turns a socket this listener's server accepted into an accepted session with the listener's settings.</summary>
        internal SocketSession AdoptAccepted(Socket accepted) => FromAccepted(accepted, _settings.Clone(), _registry);

        /// <summary>
        /// The server side of the TLS handshake within the session's ConnectTimeout, holding no thread while the client
        /// answers. A failed or cancelled handshake closes the session and throws (TLS ids, or OperationCanceledException).
        /// </summary>
        internal async Task StartServerTlsAsync(TlsServerOptions options, CancellationToken cancellationToken)
        {
            Socket socket;
            lock (_stateGate)
            {
                if (_state != SocketState.Connected || Tls != null)
                {
                    throw NotReady("start TLS on");
                }

                socket = _socket!;
            }

            TlsHandshakeResult secured;
            try
            {
                secured = await TlsHandshake.AuthenticateAsync(
                    new NetworkStream(socket, ownsSocket: false),
                    null,
                    options,
                    null,
                    EndPoints.FormatPeer(socket),
                    Deadline.After(ConnectTimeout),
                    cancellationToken,
                    this).ConfigureAwait(false);
            }
            catch
            {
                Close();
                throw;
            }

            lock (_stateGate)
            {
                if (_state == SocketState.Closed)
                {
                    secured.Stream.Dispose();
                    throw Closed();
                }

                UseTls(secured);
                _serverTlsStream = secured.Stream;
            }
        }

        /// <summary>The socket, for a server's own asynchronous operations while the connection is plaintext; null once it speaks TLS.</summary>
        internal Socket? PlainSocketForServer => _serverTlsStream == null ? _socket : null;

        /// <summary>Counts bytes a server's own operation received on the plain socket.</summary>
        internal void CountReceivedByServer(int count)
        {
            if (count > 0)
            {
                _counters.AddReceived(count);
            }
        }

        /// <summary>Counts bytes a server's own operation sent on the plain socket.</summary>
        internal void CountSentByServer(int count)
        {
            if (count > 0)
            {
                _counters.AddSent(count);
            }
        }

        /// <summary>Receives what has arrived (up to <paramref name="count"/> bytes, after TLS); 0 at the end of the stream.</summary>
        internal async Task<int> ReceiveForServerAsync(byte[] buffer, int offset, int count)
        {
            SslStream? tls = _serverTlsStream;
            Socket socket = _socket ?? throw Closed();
            int received;
            try
            {
                received = tls != null
                    ? await tls.ReadAsync(buffer, offset, count).ConfigureAwait(false)
                    : await socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransferFailure(e))
            {
                throw ServerTransferFailed(e, "receiving");
            }

            if (received > 0)
            {
                _counters.AddReceived(received);
            }

            return received;
        }

        /// <summary>Sends every byte, counting each as it goes out; the count when all went out, the session's ids when not.</summary>
        internal async Task<int> SendForServerAsync(byte[] buffer, int offset, int count)
        {
            if (_state != SocketState.Connected)
            {
                throw NotReady("send");
            }

            SslStream? tls = _serverTlsStream;
            Socket socket = _socket!;
            try
            {
                if (tls != null)
                {
                    await tls.WriteAsync(buffer, offset, count).ConfigureAwait(false);
                    _counters.AddSent(count);
                    return count;
                }

                for (int sent = 0; sent < count;)
                {
                    int n = await socket.SendAsync(new ArraySegment<byte>(buffer, offset + sent, count - sent), SocketFlags.None).ConfigureAwait(false);
                    sent += n;
                    _counters.AddSent(n);
                }

                return count;
            }
            catch (Exception e) when (IsTransferFailure(e))
            {
                throw ServerTransferFailed(e, "sending");
            }
        }

        private static bool IsTransferFailure(Exception e) =>
            e is SocketException || e is ObjectDisposedException || e is IOException || e is InvalidOperationException;

        /// <summary>A server operation's failure as the session's error: SessionClosed once closed, else by the socket error.</summary>
        internal SocketSessionException ServerTransferFailed(Exception error, string activity)
        {
            Exception cause = error is IOException && error.InnerException is SocketException inner ? inner : error;
            if (cause is SocketException socketError && socketError.SocketErrorCode == SocketError.ConnectionReset)
            {
                MarkReset();
            }

            if (_state == SocketState.Closed)
            {
                return Closed();
            }

            string where = $"{activity} on session {Id} ({EndPoints.Format(RemoteEndPoint)})";
            return cause is SocketException failed
                ? SocketErrorTranslator.ForTransfer(failed, where, this)
                : new SocketSessionException(ErrorIds.ConnectionAborted, $"The connection failed while {where}: {cause.Message}", this, cause);
        }
    }
}
