using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Tls;

namespace PSSocket.Transports
{
    /// <summary>
    /// Receives from a stream (the TLS stream of a session), so every receive mode works over TLS unchanged.
    /// A stream has no way to read without waiting, so every read is started asynchronously; one that times out
    /// stays pending in the receiver, as a socket read does. Failures come out as the receiver expects them:
    /// the socket's own error, or a TlsError for a broken TLS record or an alert.
    /// </summary>
    internal sealed class StreamReceiveSource : IReceiveSource
    {
        private readonly Stream _stream;
        private readonly string _peer;
        private readonly object _owner;

        public StreamReceiveSource(Stream stream, string peer, object owner)
        {
            _stream = stream;
            _peer = peer;
            _owner = owner;
        }

        public int TryReceiveNow(ArraySegment<byte> buffer) => -1;

        public Task<int> ReceiveAsync(ArraySegment<byte> buffer)
        {
            Task<int> read;
            try
            {
                read = _stream.ReadAsync(buffer.Array!, buffer.Offset, buffer.Count);
            }
            catch (Exception e) when (e is IOException || e is AuthenticationException || e is NotSupportedException || e is InvalidOperationException)
            {
                read = Faulted(e);
            }

            return read.Status == TaskStatus.RanToCompletion ? read : Translate(read);
        }

        public string Describe() => _peer;

        private async Task<int> Translate(Task<int> read)
        {
            try
            {
                return await read.ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is SocketException socketError)
            {
                throw socketError;
            }
            catch (Exception e) when (e is IOException || e is AuthenticationException || e is NotSupportedException || e is InvalidOperationException)
            {
                throw new TlsFailureException(
                    TlsCause.AlertId(e) ?? ErrorIds.TlsError, $"The TLS stream from {_peer} failed: {TlsCause.Describe(e)}. The session is closed.", _owner, e, null);
            }
        }

        private static Task<int> Faulted(Exception error)
        {
            var failed = new TaskCompletionSource<int>();
            failed.SetException(error);
            return failed.Task;
        }
    }
}
