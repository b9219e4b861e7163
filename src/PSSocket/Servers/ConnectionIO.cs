using System;
using System.Net.Sockets;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// The asynchronous receive and send of one server connection, each a reusable <see cref="SocketOperation"/>
    /// made on first use: straight on the socket for a plain connection, through the session's TLS stream otherwise.
    /// One receive and one send may run at the same time, never two of a kind.
    /// </summary>
    internal sealed class ConnectionIO : IDisposable
    {
        private readonly SocketSession _session;
        private SocketOperation? _receive;
        private SocketOperation? _send;

        public ConnectionIO(SocketSession session)
        {
            _session = session;
        }

        /// <summary>Receives what has arrived, up to <paramref name="count"/> bytes; 0 at the end of the stream.</summary>
        public SocketOperation Receive(byte[] buffer, int offset, int count)
        {
            SocketOperation operation = _receive ??= new SocketOperation(_session, sending: false);
            Socket? plain = _session.PlainSocketForServer;
            return plain != null
                ? operation.Start(plain, buffer, offset, count)
                : operation.Wrap(_session.ReceiveForServerAsync(buffer, offset, count));
        }

        /// <summary>Sends some of the bytes (all of them, on most systems); the result says how many went out.</summary>
        public SocketOperation Send(byte[] buffer, int offset, int count)
        {
            SocketOperation operation = _send ??= new SocketOperation(_session, sending: true);
            Socket? plain = _session.PlainSocketForServer;
            return plain != null
                ? operation.Start(plain, buffer, offset, count)
                : operation.Wrap(_session.SendForServerAsync(buffer, offset, count));
        }

        public void Dispose()
        {
            _receive?.Dispose();
            _send?.Dispose();
        }
    }
}
