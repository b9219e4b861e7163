using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using PSSocket.Framing;

namespace PSSocket.Tests.Engine
{
    /// <summary>
    /// A receive source whose bytes the test hands over when it chooses: a read waits until Deliver or
    /// EndStream is called, which is how data "arriving in pieces" is simulated exactly.
    /// </summary>
    internal sealed class ScriptedSource : IReceiveSource
    {
        private readonly Queue<byte[]> _ready = new Queue<byte[]>();
        private TaskCompletionSource<int>? _waiting;
        private ArraySegment<byte> _waitingBuffer;
        private bool _ended;

        public int ReadsStarted { get; private set; }

        public void Deliver(byte[] chunk)
        {
            lock (_ready)
            {
                if (_waiting != null)
                {
                    TaskCompletionSource<int> waiting = _waiting;
                    _waiting = null;
                    waiting.SetResult(Copy(chunk, _waitingBuffer));
                    return;
                }

                _ready.Enqueue(chunk);
            }
        }

        public void EndStream()
        {
            lock (_ready)
            {
                _ended = true;
                if (_waiting != null)
                {
                    TaskCompletionSource<int> waiting = _waiting;
                    _waiting = null;
                    waiting.SetResult(0);
                }
            }
        }

        public int TryReceiveNow(ArraySegment<byte> buffer)
        {
            lock (_ready)
            {
                if (_ready.Count > 0)
                {
                    return Copy(_ready.Dequeue(), buffer);
                }

                return _ended ? 0 : -1;
            }
        }

        public Task<int> ReceiveAsync(ArraySegment<byte> buffer)
        {
            lock (_ready)
            {
                ReadsStarted++;
                if (_waiting != null)
                {
                    throw new InvalidOperationException("A second read started while one was pending: the receiver must reuse the pending read.");
                }

                _waiting = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waitingBuffer = buffer;
                return _waiting.Task;
            }
        }

        public string Describe() => "scripted peer";

        private static int Copy(byte[] chunk, ArraySegment<byte> buffer)
        {
            if (chunk.Length > buffer.Count)
            {
                throw new InvalidOperationException("Test chunk larger than the receive buffer's free space.");
            }

            Buffer.BlockCopy(chunk, 0, buffer.Array!, buffer.Offset, chunk.Length);
            return chunk.Length;
        }
    }
}
