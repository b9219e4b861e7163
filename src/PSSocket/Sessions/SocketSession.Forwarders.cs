using System;
using System.Net;
using System.Threading;
using PSSocket.Framing;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The session's members as callers outside the session core know them today. Each forwards to the factory or
    /// to the transport that now does the work; the call sites move to those at merge, and this file goes.
    /// </summary>
    public sealed partial class SocketSession
    {
        // Forwarder: call sites move at merge
        public static SocketSession CreateClient(SocketSettings settings, SessionRegistry? registry, IPEndPoint? localEndPoint) =>
            SessionFactory.Create(SocketRole.Client, settings, registry, localEndPoint == null ? null : SessionAddress.Ip(localEndPoint));

        // Forwarder: call sites move at merge
        public static SocketSession CreateListener(SocketSettings settings, SessionRegistry? registry, IPEndPoint localEndPoint, int backlog) =>
            SessionFactory.Create(SocketRole.Listener, settings, registry, SessionAddress.Ip(localEndPoint), backlog);

        // Forwarder: call sites move at merge
        public static SocketSession CreateDatagramListener(SocketSettings settings, SessionRegistry? registry, IPEndPoint localEndPoint) =>
            SessionFactory.Create(SocketRole.Listener, settings, registry, SessionAddress.Ip(localEndPoint));

        // Forwarder: call sites move at merge
        public static SocketSession CreateUnixListener(
            SocketSettings settings, SessionRegistry? registry, string path, int backlog, Func<string, bool>? mayRemoveStale = null) =>
            SessionFactory.Create(SocketRole.Listener, settings, registry, SessionAddress.UnixPath(path, mayRemoveStale), backlog);

        // Forwarder: call sites move at merge
        public static SocketSession CreateUnixClient(
            SocketSettings settings, SessionRegistry? registry, string? localPath, Func<string, bool>? mayRemoveStale = null) =>
            SessionFactory.Create(SocketRole.Client, settings, registry, localPath == null ? null : SessionAddress.UnixPath(localPath, mayRemoveStale));

        // Forwarder: call sites move at merge
        public void Connect(string host, int port, int timeout, CancellationToken cancellationToken) =>
            Connect(host, port, timeout, null, cancellationToken, null);

        // Forwarder: call sites move at merge
        public void Connect(string host, int port, int timeout, TlsClientOptions? tls, CancellationToken cancellationToken) =>
            Connect(host, port, timeout, tls, cancellationToken, null);

        // Forwarder: call sites move at merge
        internal void Connect(string host, int port, int timeout, TlsClientOptions? tls, CancellationToken cancellationToken, ConnectTrace? trace) =>
            Connect(new ConnectRequest(host, port, timeout, cancellationToken) { Tls = tls, Trace = trace });

        // Forwarder: call sites move at merge
        public SocketSession Accept(int timeout, CancellationToken cancellationToken) => StreamFor("accept connections on").Accept(timeout, cancellationToken, true);

        // Forwarder: call sites move at merge
        internal SocketSession Accept(int timeout, CancellationToken cancellationToken, bool secure) => StreamFor("accept connections on").Accept(timeout, cancellationToken, secure);

        // Forwarder: call sites move at merge
        internal SessionReceiver GetReceiver() => StreamFor("receive a stream from").Receiver;

        // Forwarder: call sites move at merge
        public void StartTls(TlsOptions options, int timeout, bool discardUnread, CancellationToken cancellationToken, bool afterPlaintext = false) =>
            StreamFor("start TLS on").StartTls(options, timeout, discardUnread, cancellationToken, afterPlaintext);

        // Forwarder: call sites move at merge
        public void Send(byte[] data, int offset, int count, CancellationToken cancellationToken) =>
            StreamFor("send a stream on").Send(data, offset, count, cancellationToken);

        // Forwarder: call sites move at merge
        public void ShutdownSend() => StreamFor("shut down the send side of").ShutdownSend();

        // Forwarder: call sites move at merge
        public void SendDatagram(byte[] data, EndPoint? destination, CancellationToken cancellationToken) =>
            DatagramsFor("send to a chosen destination").Send(data, destination, cancellationToken);

        // Forwarder: call sites move at merge
        internal ReceivedDatagram ReceiveDatagram(Deadline deadline, CancellationToken cancellationToken) =>
            DatagramsFor("receive datagrams").Receive(deadline, cancellationToken);

        // Forwarder: call sites move at merge
        internal void EnsureStreamSession(string action) => StreamFor(action);
    }
}
