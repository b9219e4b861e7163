using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Proxies;
using PSSocket.Threading;
using PSSocket.Tls;
using PSSocket.Tls.StartTls;
using PSSocket.Transports;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The stream side of a session (TCP, Unix stream): connect, listen and accept, receive, send, shut down the
    /// send side, and STARTTLS. The session's state decides what is allowed; this class does the I/O.
    /// </summary>
    internal sealed class StreamTransport
    {
        /// <summary>How long closing waits to send TLS's close_notify alert.</summary>
        internal const int CloseNotifyTimeout = 1000;

        private readonly SocketSession _session;

        /// <summary>Serializes accept calls: one at a time takes or starts the pending accept and the TLS handshakes.</summary>
        private readonly object _acceptGate = new object();
        private readonly TlsAcceptQueue _tlsAccepts;

        /// <summary>An accept kept across a call that timed out; taken by the next call, or by Close (Interlocked).</summary>
        private Task<Socket>? _pendingAccept;

        // Set under the session's state gate (connect, accept, STARTTLS); read in its snapshots.
        private SessionReceiver? _receiver;
        private ISessionSender? _sender;
        private TrackedReceiveSource? _plainSource;
        private ServerStream? _forServer;

        public StreamTransport(SocketSession session)
        {
            _session = session;
            _tlsAccepts = new TlsAcceptQueue(session);
        }

        public int BytesBuffered => _receiver?.Buffered ?? 0;

        /// <summary>The listening socket, for a background server's own accept loop; SessionClosed or NotListening otherwise.</summary>
        public Socket ListeningSocket => EnsureListening();

        /// <summary>The asynchronous side a background server uses for a connection it serves.</summary>
        public ServerStream ForServer => _forServer ??= new ServerStream(_session);

        public bool EndOfStream => _receiver?.EndOfStream ?? false;

        /// <summary>
        /// Connects to the first of the request's host's addresses that accepts, within one deadline; then, with TLS
        /// asked for, runs the STARTTLS dialogue it names and the handshake within the same deadline. A failed
        /// dialogue or handshake closes the connection.
        /// </summary>
        public void Connect(ConnectRequest request)
        {
            Socket socket = _session.ConnectSockets.Connect(request);
            TlsHandshakeResult? secured = null;
            TlsClientOptions? tls = request.Tls;
            if (tls != null)
            {
                // Through a proxy, the target's first bytes may have come with the proxy's reply: the dialogue or the handshake reads them first.
                PendingRead? leftover = LeftoverOf(request.Tunnel);
                try
                {
                    if (tls.StartTls != StartTlsProtocol.Off)
                    {
                        StartTlsDialogue.For(tls.StartTls).Run(new HandshakeStream(new NetworkStream(socket, ownsSocket: false), leftover), $"{request.Host}:{request.Port}", request.Deadline, request.CancellationToken);
                        leftover = null;
                    }

                    secured = SessionTls.Handshake(socket, leftover, tls, request.Host, request.Deadline, request.CancellationToken, _session);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            _session.AdoptConnected(socket, request.Host, secured, request.Tunnel);
        }

        /// <summary>A tunnel's leftover bytes as the TLS stream's first, or null when none came.</summary>
        private static PendingRead? LeftoverOf(ProxyTunnelResult? tunnel) =>
            tunnel == null || tunnel.Leftover.Length == 0
                ? null
                : new PendingRead(Task.FromResult(tunnel.Leftover.Length), new ArraySegment<byte>(tunnel.Leftover));

        /// <summary>The plaintext connect of Connect-Socket -NoWait, without holding a thread while it goes on.</summary>
        public async Task ConnectAsync(ConnectRequest request)
        {
            Socket socket = await _session.ConnectSockets.ConnectAsync(request).ConfigureAwait(false);
            _session.AdoptConnected(socket, request.Host, null, request.Tunnel);
        }

        /// <summary>The receiver of a connected session, for readiness waits; null before the session connected.</summary>
        public SessionReceiver? CurrentReceiver => _receiver;

        /// <summary>listen() after a bind; its failures get the module's ids like the bind's.</summary>
        public void Listen(int backlog, string described)
        {
            try
            {
                _session.Socket!.Listen(backlog);
            }
            catch (SocketException e)
            {
                throw SocketErrorTranslator.ForBind(e, described, _session);
            }

            _session.MarkListening();
        }

        /// <param name="secure">
        /// On a TLS listener, true does the connection's server handshake before returning it (within the accepted
        /// session's ConnectTimeout, side by side with other clients' handshakes). False returns it still plaintext, for an accept loop that does not want to wait
        /// on a slow client's handshake: the caller then calls StartTls(ServerTls, ...) on the connection itself.
        /// </param>
        public SocketSession Accept(int timeout, CancellationToken cancellationToken, bool secure)
        {
            lock (_acceptGate)
            {
                Socket listener = EnsureListening();
                Deadline deadline = Deadline.After(timeout);
                try
                {
                    if (secure && _session.ServerTls != null)
                    {
                        return AcceptTls(listener, timeout, deadline, cancellationToken);
                    }

                    Task<Socket> accepted = _pendingAccept ??= listener.AcceptAsync();
                    if (!TaskWaiter.Wait(accepted, deadline, cancellationToken))
                    {
                        throw new SocketSessionException(
                            ErrorIds.AcceptTimedOut,
                            $"No connection arrived at {EndPoints.Format(_session.LocalEndPoint)} within {timeout} ms.",
                            _session);
                    }

                    return TakeAccepted(accepted);
                }
                catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && _session.State == SocketState.Closed))
                {
                    _pendingAccept = null;
                    throw _session.Closed();
                }
                catch (SocketException e)
                {
                    _pendingAccept = null;
                    throw SocketErrorTranslator.ForTransfer(e, $"accepting on {EndPoints.Format(_session.LocalEndPoint)}", _session);
                }
            }
        }

        /// <summary>The receiver of a connected session: ReceiveOnListener on a listener, NotConnected and the like before.</summary>
        public SessionReceiver Receiver =>
            _session.WithState((state, socket) => state switch
            {
                SocketState.Connected or SocketState.SendShutdown or SocketState.Reset => _receiver!,
                SocketState.Listening => throw new SocketSessionException(
                    ErrorIds.ReceiveOnListener,
                    $"Session {_session.Id} is a listener; it accepts connections (Wait-SocketConnection) but has no data to receive.",
                    _session),
                _ => throw _session.NotReady("receive"),
            });

        /// <summary>
        /// Turns a connected plaintext session into a TLS one in place (STARTTLS), as client or server by the kind of
        /// <paramref name="options"/>. Bytes received before the upgrade are plaintext: while any are unread the
        /// upgrade is refused (TlsUnreadPlaintext) and the session stays as it was, unless
        /// <paramref name="discardUnread"/> drops them. A failed or stopped handshake closes the session.
        /// </summary>
        /// <param name="afterPlaintext">
        /// A STARTTLS upgrade after a plaintext exchange: bytes already in the kernel count as unread plaintext too,
        /// unless they begin a TLS record (a client's ClientHello that came right after the go-ahead).
        /// </param>
        public void StartTls(TlsOptions options, int timeout, bool discardUnread, CancellationToken cancellationToken, bool afterPlaintext)
        {
            using (_session.PauseReadAhead())
            {
                UpgradeToTls(options, timeout, discardUnread, cancellationToken, afterPlaintext);
            }
        }

        private void UpgradeToTls(TlsOptions options, int timeout, bool discardUnread, CancellationToken cancellationToken, bool afterPlaintext)
        {
            (Socket socket, SessionReceiver receiver, TrackedReceiveSource? plain) = _session.WithState((state, own) =>
            {
                if (state != SocketState.Connected)
                {
                    throw state == SocketState.SendShutdown
                        ? new SocketSessionException(ErrorIds.SendShutdown, $"The send side of session {_session.Id} is shut down; a TLS handshake needs to send.", _session)
                        : _session.NotReady("start TLS on");
                }

                if (_session.Tls != null)
                {
                    throw new SocketSessionException(ErrorIds.TlsAlreadyActive, $"Session {_session.Id} already speaks TLS ({_session.Tls.Protocol}).", _session);
                }

                return (own!, _receiver!, _plainSource);
            });

            // Plaintext not yet read may sit in three places: the session's buffer, a read that completed but was not
            // taken yet, and the kernel (arrived, never asked for). The guard against STARTTLS injection sees all three.
            int inKernel = afterPlaintext ? UnreadPlaintext.InKernel(socket) : 0;
            int unread = receiver.Buffered + inKernel;
            PendingRead? waiting = null;
            if (plain != null && (unread == 0 || discardUnread))
            {
                waiting = plain.TakeWaitingRead(out int untaken);
                unread += untaken;
            }

            if (discardUnread && inKernel > 0)
            {
                waiting = UnreadPlaintext.Drop(socket, waiting, CloseNotifyTimeout);
            }

            if (unread > 0 && !discardUnread)
            {
                throw new SocketSessionException(
                    ErrorIds.TlsUnreadPlaintext,
                    $"{unread} bytes received on session {_session.Id} before the upgrade have not been read. They were sent in plaintext, before TLS: read them first (Receive-SocketData), or drop them with -DiscardUnreadData. The session is unchanged.",
                    _session);
            }

            TlsHandshakeResult secured;
            try
            {
                secured = SessionTls.Handshake(socket, waiting, options, _session.RemoteHost, Deadline.After(timeout), cancellationToken, _session);
            }
            catch
            {
                _session.Close();
                throw;
            }

            _session.AdoptTls(secured);
        }

        public void Send(byte[] data, int offset, int count, CancellationToken cancellationToken)
        {
            ISessionSender sender = _session.WithState((state, socket) => state switch
            {
                SocketState.Connected => _sender!,
                SocketState.SendShutdown => throw new SocketSessionException(
                    ErrorIds.SendShutdown, $"The send side of session {_session.Id} is shut down; it can only receive.", _session),
                SocketState.Listening => throw new SocketSessionException(
                    ErrorIds.SendOnListener, $"Session {_session.Id} is a listener; send on the sessions it accepts.", _session),
                _ => throw _session.NotReady("send"),
            });
            sender.Send(data, offset, count, _session.SendTimeout, cancellationToken);
        }

        /// <summary>Shuts down the send side only, so a peer reading to end of stream can answer.</summary>
        public void ShutdownSend()
        {
            _session.ShutDownSendSide(socket =>
            {
                _sender?.Finish(CloseNotifyTimeout);
                try
                {
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException e)
                {
                    throw SocketErrorTranslator.ForTransfer(e, "shutting down the send side", _session);
                }
            });
        }

        /// <summary>
        /// Call under the session's state gate: a connected socket's plaintext receiver and sender. <paramref name="leftover"/>:
        /// bytes received before the socket's next (through a proxy, the target's first), which the receiver returns first.
        /// </summary>
        public void Attach(Socket socket, byte[]? leftover = null)
        {
            SessionCounters counters = _session.Counters;
            _plainSource = new TrackedReceiveSource(new SocketReceiveSource(socket), counters);
            _receiver = new SessionReceiver(_plainSource, counters.AddReceived, _session, _session.MarkReset);
            _receiver.Preload(leftover ?? new byte[0]);
            _sender = new SocketSender(socket, counters, _session, _session.MarkReset);
        }

        /// <summary>Call under the session's state gate: from here on every receive mode and send goes through the TLS stream.</summary>
        public void UseTls(TlsHandshakeResult secured, string peer)
        {
            SessionCounters counters = _session.Counters;
            _receiver = new SessionReceiver(new StreamReceiveSource(secured.Stream, peer, _session), counters.AddReceived, _session, _session.MarkReset, _session.Close);
            _sender = new StreamSender(secured.Stream, counters, _session, peer, _session.Close);
            _plainSource = null;
        }

        /// <summary>Before a connected session closes: TLS's close_notify, within CloseNotifyTimeout.</summary>
        public void SayGoodbye() => _sender?.Finish(CloseNotifyTimeout);

        /// <summary>After the session closed its socket: wakes waiting receives, stops TLS handshakes, drops a kept accept.</summary>
        public void Close()
        {
            _sender?.Dispose();
            _tlsAccepts.Close();
            _receiver?.Abandon();
            DisposeWhenAccepted(Interlocked.Exchange(ref _pendingAccept, null));
        }

        /// <summary>Call under the accept gate.</summary>
        private SocketSession AcceptTls(Socket listener, int timeout, Deadline deadline, CancellationToken cancellationToken)
        {
            while (true)
            {
                SocketSession? done = _tlsAccepts.TakeFinished();
                if (done != null)
                {
                    return done;
                }

                Task<Socket>? accepted = _tlsAccepts.IsFull ? null : (_pendingAccept ??= listener.AcceptAsync());
                if (!TaskWaiter.Wait(_tlsAccepts.AnyFinished(accepted), deadline, cancellationToken))
                {
                    int going = _tlsAccepts.Count;
                    string handshakes = going == 0 ? string.Empty : $" ({going} TLS handshake(s) still going on, kept for the next call)";
                    throw new SocketSessionException(
                        ErrorIds.AcceptTimedOut,
                        $"No connection arrived at {EndPoints.Format(_session.LocalEndPoint)} within {timeout} ms{handshakes}.",
                        _session);
                }

                if (accepted != null && accepted.IsCompleted)
                {
                    _tlsAccepts.Start(TakeAccepted(accepted), _session.ServerTls!);
                }
            }
        }

        /// <summary>Call under the accept gate: the accepted connection as a session, unless Close took the accept.</summary>
        private SocketSession TakeAccepted(Task<Socket> accepted)
        {
            if (!ReferenceEquals(Interlocked.CompareExchange(ref _pendingAccept, null, accepted), accepted))
            {
                throw _session.Closed(); // Close took the accept, and disposes what it brings
            }

            return SessionFactory.FromAccepted(accepted.GetAwaiter().GetResult(), _session.Settings.Clone(), _session.Registry);
        }

        private Socket EnsureListening() =>
            _session.WithState((state, socket) => state switch
            {
                SocketState.Listening => socket!,
                SocketState.Closed => throw _session.Closed(),
                _ => throw new SocketSessionException(
                    ErrorIds.NotListening, $"Session {_session.Id} is a {_session.Role} session, not a listener; it cannot accept connections.", _session),
            });

        /// <summary>An accept kept after a timeout may still bring a connection that no call will take: close it.</summary>
        private static void DisposeWhenAccepted(Task<Socket>? accept)
        {
            accept?.ContinueWith(
                t =>
                {
                    if (t.Status == TaskStatus.RanToCompletion)
                    {
                        t.Result.Dispose();
                    }
                    else
                    {
                        _ = t.Exception;
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
