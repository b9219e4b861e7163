using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Framing;

namespace PSSocket.Transports
{
    internal sealed class SocketReceiveSource : IReceiveSource
    {
        private const int BriefWaitMicroseconds = 500;

        private readonly Socket _socket;
        private readonly string _peer;

        public SocketReceiveSource(Socket socket)
        {
            _socket = socket;
            _peer = EndPoints.FormatPeer(socket);
        }

        public int TryReceiveNow(ArraySegment<byte> buffer)
        {
            // A short poll catches data that is microseconds away (an echo, the next piece of a bulk transfer)
            // on this thread, which is far cheaper than handing the wait to an asynchronous read.
            return _socket.Available > 0 || _socket.Poll(BriefWaitMicroseconds, SelectMode.SelectRead)
                ? _socket.Receive(buffer.Array!, buffer.Offset, buffer.Count, SocketFlags.None)
                : -1;
        }

        public Task<int> ReceiveAsync(ArraySegment<byte> buffer) => _socket.ReceiveAsync(buffer, SocketFlags.None);

        public string Describe() => _peer;
    }
}
