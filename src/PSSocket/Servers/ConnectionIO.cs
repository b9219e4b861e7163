using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// The asynchronous receive and send of one server connection, each a reusable <see cref="SocketOperation"/>
    /// made on first use: straight on the socket for a plain connection, through the session's TLS stream otherwise.
    /// An operation that does not complete at once is timed by the connection's <see cref="ConnectionWatchdog"/>
    /// (receives by the idle timeout, sends by the session's SendTimeout); one that does costs no timer.
    /// One receive and one send may run at the same time, never two of a kind.
    /// </summary>
    internal sealed class ConnectionIO : IDisposable
    {
        private readonly SocketSession _session;
        private readonly int _idleTimeout;
        private readonly ConnectionWatchdog _watchdog;
        private SocketOperation? _receive;
        private SocketOperation? _send;

        /// <param name="idleTimeout">Milliseconds a receive may wait for data; -1 waits forever.</param>
        public ConnectionIO(SocketSession session, int idleTimeout)
        {
            _session = session;
            _idleTimeout = idleTimeout;
            _watchdog = new ConnectionWatchdog(session);
        }

        /// <summary>Receives what has arrived, up to <paramref name="count"/> bytes; 0 at the end of the stream.</summary>
        public SocketOperation Receive(byte[] buffer, int offset, int count)
        {
            _receive ??= new SocketOperation(_session, sending: false, _watchdog);
            SocketOperation operation = Start(_receive, buffer, offset, count, _session.Stream.ForServer.ReceiveAsync);
            if (!operation.IsCompleted)
            {
                _watchdog.ArmReceive(_idleTimeout);
            }

            return operation;
        }

        /// <summary>Sends some of the bytes (all of them, on most systems); the result says how many went out.</summary>
        public SocketOperation Send(byte[] buffer, int offset, int count)
        {
            _send ??= new SocketOperation(_session, sending: true, _watchdog);
            SocketOperation operation = Start(_send, buffer, offset, count, _session.Stream.ForServer.SendAsync);
            if (!operation.IsCompleted)
            {
                _watchdog.ArmSend(_session.SendTimeout);
            }

            return operation;
        }

        /// <summary>Sends every byte of buffer[offset..offset+count).</summary>
        public async Task SendAll(byte[] buffer, int offset, int count)
        {
            for (int sent = 0; sent < count;)
            {
                sent += await Send(buffer, offset + sent, count - sent);
            }
        }

        /// <summary>Why the connection ended: the watchdog's timeout when it closed it, else <paramref name="failure"/>.</summary>
        public SocketSessionException Explain(SocketSessionException failure) => _watchdog.Explain(failure);

        public void Dispose()
        {
            _watchdog.Dispose();
            _receive?.Dispose();
            _send?.Dispose();
        }

        private SocketOperation Start(SocketOperation operation, byte[] buffer, int offset, int count, Func<byte[], int, int, Task<int>> overTls)
        {
            Socket? plain = _session.Stream.ForServer.PlainSocket;
            return plain != null ? operation.Start(plain, buffer, offset, count) : operation.Wrap(overTls(buffer, offset, count));
        }
    }
}
