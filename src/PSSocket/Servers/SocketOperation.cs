using System;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// One connection's receive (or send), reused for every call and awaited directly: a plain socket's operation
    /// allocates nothing per call, where the Task-based socket methods of netstandard2.0 allocate a task for each one
    /// that waits. A TLS connection's operation wraps the session's task instead. The result is counted in the
    /// session's BytesReceived or BytesSent, and a failure is the session's SocketSessionException. One operation at
    /// a time: start, await, then start the next. Made by <see cref="ConnectionIO"/>.
    /// </summary>
    internal sealed class SocketOperation : SocketAsyncEventArgs, ICriticalNotifyCompletion
    {
        private static readonly Action Done = () => { };

        private readonly SocketSession _session;
        private readonly bool _sending;
        private readonly ConnectionWatchdog _watchdog;
        private Action? _continuation;
        private Task<int>? _task;

        /// <param name="watchdog">Disarmed when the result is taken: it times the operation while it waits.</param>
        public SocketOperation(SocketSession session, bool sending, ConnectionWatchdog watchdog)
        {
            _session = session;
            _sending = sending;
            _watchdog = watchdog;
        }

        public bool IsCompleted => _task?.IsCompleted ?? ReferenceEquals(Volatile.Read(ref _continuation), Done);

        /// <summary>Starts a receive or send of buffer[offset..offset+count) on the plain socket.</summary>
        public SocketOperation Start(Socket socket, byte[] buffer, int offset, int count)
        {
            _task = null;
            _continuation = null;
            try
            {
                SetBuffer(buffer, offset, count);
                bool pending = _sending ? socket.SendAsync(this) : socket.ReceiveAsync(this);
                if (!pending)
                {
                    _continuation = Done;
                }
            }
            catch (Exception e) when (e is ObjectDisposedException || e is SocketException || e is InvalidOperationException)
            {
                _task = Task.FromException<int>(_session.Stream.ForServer.TransferFailed(e, Activity));
            }

            return this;
        }

        /// <summary>Awaits a task of the session's (a TLS read or write) through this operation.</summary>
        public SocketOperation Wrap(Task<int> task)
        {
            _task = task;
            return this;
        }

        public SocketOperation GetAwaiter() => this;

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation)
        {
            if (_task != null)
            {
                _task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
                return;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _continuation, continuation, null), Done))
            {
                // Completed between the check and the registration: continue on the pool, not deeper on this stack.
                ThreadPool.UnsafeQueueUserWorkItem(state => ((Action)state!)(), continuation);
            }
        }

        /// <summary>The bytes received (0 at the end of the stream) or sent.</summary>
        public int GetResult()
        {
            _watchdog.Disarm();
            if (_task != null)
            {
                Task<int> task = _task;
                _task = null;
                return task.GetAwaiter().GetResult();
            }

            if (SocketError != SocketError.Success)
            {
                throw _session.Stream.ForServer.TransferFailed(new SocketException((int)SocketError), Activity);
            }

            int transferred = BytesTransferred;
            if (_sending)
            {
                _session.Stream.ForServer.CountSent(transferred);
            }
            else
            {
                _session.Stream.ForServer.CountReceived(transferred);
            }

            return transferred;
        }

        protected override void OnCompleted(SocketAsyncEventArgs e)
        {
            Action? continuation = Interlocked.Exchange(ref _continuation, Done);
            continuation?.Invoke();
        }

        private string Activity => _sending ? "sending" : "receiving";
    }
}
