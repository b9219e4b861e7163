using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Relays
{
    /// <summary>
    /// The one writer of a relay's trace file, shared by all its flows. Flows queue copies of their bytes; one
    /// asynchronous loop formats them as a hex dump and writes them. The queue holds at most <see cref="QueueLimit"/>
    /// bytes: when the disk is slower than the relay, a flow waits for room up to <see cref="MaxWait"/> (slowing that
    /// connection a little), then its bytes are left out of the trace and a "trace dropped" line says how many, so
    /// the relay never stalls on the disk. Dispose writes what is queued, flushes and closes the file.
    /// </summary>
    internal sealed class RelayTraceWriter : IDisposable
    {
        public const int QueueLimit = 8 * 1024 * 1024;
        public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

        private readonly ConcurrentQueue<TraceRecord> _queue = new ConcurrentQueue<TraceRecord>();
        private readonly SemaphoreSlim _queued = new SemaphoreSlim(0);
        private readonly StreamWriter _file;
        private readonly Task _loop;
        private TaskCompletionSource<bool> _room = RelayFaultSet.NewSignal();
        private long _queuedBytes;
        private long _droppedBytes;
        private volatile bool _stopping;
        private int _disposed;

        public RelayTraceWriter(string path)
        {
            Path = path;
            var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
            _file = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
            _file.Write($"# PSSocket relay trace, started {Stamp(DateTime.UtcNow)}\n");
            _loop = Task.Run(WriteLoopAsync);
        }

        public string Path { get; }

        /// <summary>Bytes left out of the trace because the queue stayed full (the disk was slower than the relay).</summary>
        public long DroppedBytes => Interlocked.Read(ref _droppedBytes);

        /// <summary>Why writing stopped (the disk full, the file gone); null while it works.</summary>
        public Exception? Failure { get; private set; }

        /// <summary>Queues bytes that passed; waits (asynchronously, at most <see cref="MaxWait"/>) while the queue is full.</summary>
        public async Task WriteAsync(RelayFlow flow, long offset, ArraySegment<byte> bytes, CancellationToken cancellationToken)
        {
            if (_stopping || Failure != null)
            {
                return;
            }

            var copy = new byte[bytes.Count];
            Buffer.BlockCopy(bytes.Array!, bytes.Offset, copy, 0, bytes.Count);
            if (Interlocked.Read(ref _queuedBytes) + copy.Length > QueueLimit)
            {
                var deadline = DateTime.UtcNow + MaxWait;
                while (Interlocked.Read(ref _queuedBytes) + copy.Length > QueueLimit && DateTime.UtcNow < deadline)
                {
                    Task room = Volatile.Read(ref _room).Task;
                    await Task.WhenAny(room, Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (Interlocked.Read(ref _queuedBytes) + copy.Length > QueueLimit)
                {
                    Interlocked.Add(ref _droppedBytes, copy.Length);
                    Note(flow, $"trace dropped {copy.Length} bytes at offset {offset}: the trace file is slower than the relay");
                    return;
                }
            }

            Interlocked.Add(ref _queuedBytes, copy.Length);
            Enqueue(new TraceRecord(DateTime.UtcNow, flow, offset, copy, null));
        }

        /// <summary>Queues a line about a flow (its end, a cut); notes are never held back.</summary>
        public void Note(RelayFlow flow, string note)
        {
            if (!_stopping && Failure == null)
            {
                Enqueue(new TraceRecord(DateTime.UtcNow, flow, 0, null, note));
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _stopping = true;
            _queued.Release();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
                // WriteLoopAsync keeps its own failure in Failure.
            }

            _queued.Dispose();
        }

        internal static string Header(TraceRecord record)
        {
            RelayFlow flow = record.Flow;
            string marker = flow.Direction == RelayDirection.ClientToTarget ? ">" : "<";
            string ends = flow.Direction == RelayDirection.ClientToTarget
                ? $"{Format(flow.Client)} -> {Format(flow.Target)}"
                : $"{Format(flow.Target)} -> {Format(flow.Client)}";
            string what = record.Note ?? $"{record.Size} bytes at offset {record.Offset}";
            return $"{marker} {Stamp(record.Time)} connection {flow.ConnectionId} {FaultStage.DirectionText(flow.Direction)} {ends}: {what}\n";
        }

        private void Enqueue(TraceRecord record)
        {
            _queue.Enqueue(record);
            _queued.Release();
        }

        private async Task WriteLoopAsync()
        {
            var text = new StringBuilder();
            try
            {
                while (true)
                {
                    await _queued.WaitAsync().ConfigureAwait(false);
                    while (_queue.TryDequeue(out TraceRecord? record))
                    {
                        text.Clear();
                        text.Append(Header(record));
                        if (record.Bytes != null)
                        {
                            HexDump.Append(text, record.Bytes, record.Offset);
                        }

                        await _file.WriteAsync(text.ToString()).ConfigureAwait(false);
                        Interlocked.Add(ref _queuedBytes, -record.Size);
                        Interlocked.Exchange(ref _room, RelayFaultSet.NewSignal()).TrySetResult(true);
                    }

                    await _file.FlushAsync().ConfigureAwait(false);
                    if (_stopping && _queue.IsEmpty)
                    {
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                Failure = e;
            }
            finally
            {
                try
                {
                    _file.Dispose();
                }
                catch (Exception e)
                {
                    Failure = Failure ?? e;
                }
            }
        }

        private static string Stamp(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

        private static string Format(System.Net.EndPoint? endPoint) => endPoint?.ToString() ?? "?";
    }
}
