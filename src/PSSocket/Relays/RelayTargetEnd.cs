using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Runtime;

namespace PSSocket.Relays
{
    /// <summary>The target's side of a relayed connection: the socket the relay connected, and its TLS stream when it speaks TLS.</summary>
    internal sealed class RelayTargetEnd : IRelayEnd
    {
        private readonly Socket _socket;
        private readonly SslStream? _tls;
        private int _reset;
        private int _closed;

        public RelayTargetEnd(Socket socket, SslStream? tls)
        {
            _socket = socket;
            _tls = tls;
            RemoteEndPoint = socket.RemoteEndPoint;
        }

        public System.Net.EndPoint? RemoteEndPoint { get; }

        public bool WasReset => Volatile.Read(ref _reset) != 0;

        public async Task<int> ReadAsync(byte[] buffer, int offset, int count)
        {
            try
            {
                return _tls != null
                    ? await _tls.ReadAsync(buffer, offset, count).ConfigureAwait(false)
                    : await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, offset, count), SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                NoteReset(e);
                throw;
            }
        }

        public async Task WriteAsync(byte[] buffer, int offset, int count)
        {
            try
            {
                if (_tls != null)
                {
                    await _tls.WriteAsync(buffer, offset, count).ConfigureAwait(false);
                    return;
                }

                for (int sent = 0; sent < count;)
                {
                    sent += await _socket.SendAsync(new ArraySegment<byte>(buffer, offset + sent, count - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                NoteReset(e);
                throw;
            }
        }

        public async Task ShutdownSendAsync()
        {
            if (_tls != null && RuntimeProbes.SslStreamShutdownAsync != null)
            {
                await ((Task)RuntimeProbes.SslStreamShutdownAsync.Invoke(_tls, null)!).ConfigureAwait(false);
            }

            _socket.Shutdown(SocketShutdown.Send);
        }

        public void Close(bool reset)
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            if (reset)
            {
                RelaySockets.Reset(_socket);
            }
            else
            {
                try
                {
                    _socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
                {
                    // The target is gone already; closing is all that is left.
                }
            }

            _tls?.Dispose();
            _socket.Dispose();
        }

        private void NoteReset(Exception error)
        {
            Exception cause = error is IOException && error.InnerException is SocketException inner ? inner : error;
            if (cause is SocketException socketError && socketError.SocketErrorCode == SocketError.ConnectionReset)
            {
                Volatile.Write(ref _reset, 1);
            }
        }
    }
}
