using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Servers;
using PSSocket.Sessions;

namespace PSSocket.Relays
{
    /// <summary>The accepted client's side of a relayed connection: the server's own asynchronous I/O on its session.</summary>
    internal sealed class RelayClientEnd : IRelayEnd, IDisposable
    {
        private readonly SocketSession _session;
        private readonly ConnectionIO _io;

        public RelayClientEnd(SocketSession session)
        {
            _session = session;
            _io = new ConnectionIO(session, Timeout.Infinite);
        }

        public bool WasReset => _session.State == SocketState.Reset;

        public async Task<int> ReadAsync(byte[] buffer, int offset, int count) => await _io.Receive(buffer, offset, count);

        public Task WriteAsync(byte[] buffer, int offset, int count) => _io.SendAll(buffer, offset, count);

        public Task ShutdownSendAsync()
        {
            _session.Stream.ShutdownSend();
            return Task.CompletedTask;
        }

        public void Close(bool reset)
        {
            if (reset)
            {
                RelaySockets.Reset(_session.Socket);
            }

            _session.Close();
        }

        public void Dispose() => _io.Dispose();
    }
}
