using System;
using System.Net;
using System.Threading;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>Short forms of the session's stream and datagram sides for engine tests, which call them often.</summary>
    internal static class SessionShortcuts
    {
        public static void Connect(this SocketSession session, string host, int port, int timeout, CancellationToken cancellationToken) =>
            session.Connect(new ConnectRequest(host, port, timeout, cancellationToken));

        public static void Connect(this SocketSession session, string host, int port, int timeout, TlsClientOptions? tls, CancellationToken cancellationToken) =>
            session.Connect(new ConnectRequest(host, port, timeout, cancellationToken) { Tls = tls });

        public static SocketSession Accept(this SocketSession listener, int timeout, CancellationToken cancellationToken) =>
            listener.StreamFor("accept connections on").Accept(timeout, cancellationToken, true);

        public static SessionReceiver GetReceiver(this SocketSession session) => session.StreamFor("receive a stream from").Receiver;

        public static void StartTls(this SocketSession session, TlsOptions options, int timeout, bool discardUnread, CancellationToken cancellationToken, bool afterPlaintext = false) =>
            session.StreamFor("start TLS on").StartTls(options, timeout, discardUnread, cancellationToken, afterPlaintext);

        public static void Send(this SocketSession session, byte[] data, int offset, int count, CancellationToken cancellationToken) =>
            session.StreamFor("send a stream on").Send(data, offset, count, cancellationToken);

        public static void ShutdownSend(this SocketSession session) => session.StreamFor("shut down the send side of").ShutdownSend();

        public static void SendDatagram(this SocketSession session, byte[] data, EndPoint? destination, CancellationToken cancellationToken) =>
            session.DatagramsFor("send to a chosen destination").Send(data, destination, cancellationToken);

        public static ReceivedDatagram ReceiveDatagram(this SocketSession session, Deadline deadline, CancellationToken cancellationToken) =>
            session.DatagramsFor("receive datagrams").Receive(deadline, cancellationToken);
    }
}
