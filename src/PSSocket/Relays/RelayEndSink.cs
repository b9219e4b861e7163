using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>The last sink of a flow: writes to the other side of the connection and counts what was written.</summary>
    internal sealed class RelayEndSink : IRelaySink
    {
        private readonly RelayConnection _connection;
        private readonly IRelayEnd _destination;
        private readonly RelayDirection _direction;

        public RelayEndSink(RelayConnection connection, IRelayEnd destination, RelayDirection direction)
        {
            _connection = connection;
            _destination = destination;
            _direction = direction;
        }

        public async Task WriteAsync(ArraySegment<byte> chunk, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (chunk.Count == 0)
            {
                return;
            }

            await _destination.WriteAsync(chunk.Array!, chunk.Offset, chunk.Count).ConfigureAwait(false);
            _connection.CountWritten(_direction, chunk.Count);
        }

        public void Abort(bool reset, string reason) => _connection.Abort(reset, reason);
    }
}
