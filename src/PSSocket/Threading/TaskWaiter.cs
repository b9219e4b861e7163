using System;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Threading
{
    internal static class TaskWaiter
    {
        /// <summary>
        /// Waits for <paramref name="task"/> until the deadline. Returns false on timeout; throws
        /// OperationCanceledException when <paramref name="cancellationToken"/> fires. The task is not
        /// cancelled either way, so a caller can keep it and wait on it again later without losing its result.
        /// </summary>
        public static bool Wait(Task task, Deadline deadline, CancellationToken cancellationToken)
        {
            if (task.IsCompleted)
            {
                return true;
            }

            try
            {
                // Task.Wait can return a few milliseconds early (timer granularity): a timeout means the deadline passed.
                while (!task.Wait(deadline.RemainingMilliseconds, cancellationToken))
                {
                    if (deadline.HasExpired)
                    {
                        return false;
                    }
                }

                return true;
            }
            catch (AggregateException)
            {
                // The task faulted; the caller observes the fault through GetAwaiter().GetResult().
                return true;
            }
        }

        /// <summary>
        /// The asynchronous form of <see cref="Wait"/>, for work that must not hold a thread while it waits (many
        /// checks at once): true when <paramref name="task"/> finished (or faulted), false when the deadline passed
        /// first; OperationCanceledException when <paramref name="cancellationToken"/> fires. The task is not cancelled.
        /// One timer and one continuation per wait, nothing more: thousands of these run at once.
        /// </summary>
        public static Task<bool> WaitAsync(Task task, Deadline deadline, CancellationToken cancellationToken)
        {
            if (task.IsCompleted)
            {
                return Completed;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Cancelled();
            }

            int remaining = deadline.RemainingMilliseconds;
            return remaining == 0 ? TimedOut : new TimedWait(task, remaining, cancellationToken).Task;
        }

        /// <summary>
        /// The result of <paramref name="task"/>, waited for on this (pipeline) thread. Ctrl+C wakes this thread through
        /// the token itself, not through the task's continuations: a stop returns at once even while the abandoned work
        /// still cleans up elsewhere. A result that arrives after the stop goes to <paramref name="abandon"/>.
        /// </summary>
        public static T Result<T>(Task<T> task, CancellationToken cancellationToken, Action<T>? abandon = null)
        {
            try
            {
                task.Wait(cancellationToken);
            }
            catch (AggregateException)
            {
                // The task faulted or was cancelled; GetResult below rethrows the original exception.
            }
            catch (OperationCanceledException)
            {
                task.ContinueWith(
                    t =>
                    {
                        if (t.Status == TaskStatus.RanToCompletion)
                        {
                            abandon?.Invoke(t.Result);
                        }
                        else
                        {
                            _ = t.Exception;
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                throw;
            }

            return task.GetAwaiter().GetResult();
        }

        /// <summary>Marks a task's fault as observed, for operations abandoned when their socket closes.</summary>
        public static void Forget(Task? task)
        {
            task?.ContinueWith(
                t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        private static readonly Task<bool> Completed = Task.FromResult(true);
        private static readonly Task<bool> TimedOut = Task.FromResult(false);

        private static Task<bool> Cancelled()
        {
            var cancelled = new TaskCompletionSource<bool>();
            cancelled.SetCanceled();
            return cancelled.Task;
        }

        /// <summary>Completes with true when the task ends, false when the timer fires, cancelled when the token fires: whichever comes first.</summary>
        private sealed class TimedWait : TaskCompletionSource<bool>
        {
            private readonly Timer? _timer;
            private readonly CancellationTokenRegistration _registration;

            /// <remarks>
            /// A timeout or the task's end continues on the thread that ends the wait (a timer, the socket's completion),
            /// not queued to the thread pool. Ctrl+C is the exception: the thread that stops the pipeline only queues the
            /// cancellation, so it never runs the abandoned work's clean-up (closing sockets) itself and returns at once;
            /// pipeline threads hear Ctrl+C through the token directly (<see cref="Result{T}"/>).
            /// The cancellation is registered before the timer starts, and a wait that ended while they were being set up
            /// releases them at the end: neither outlives the wait.
            /// </remarks>
            public TimedWait(Task task, int milliseconds, CancellationToken cancellationToken)
            {
                if (cancellationToken.CanBeCanceled)
                {
                    _registration = cancellationToken.Register(state => ((TimedWait)state!).QueueCancel(), this);
                }

                if (milliseconds > 0)
                {
                    _timer = new Timer(state => ((TimedWait)state!).End(false), this, milliseconds, Timeout.Infinite);
                }

                if (Task.IsCompleted)
                {
                    Release();
                }

                task.ContinueWith(
                    (_, state) => ((TimedWait)state!).End(true),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            private void End(bool finished)
            {
                if (TrySetResult(finished))
                {
                    Release();
                }
            }

            private void QueueCancel() => ThreadPool.QueueUserWorkItem(state => ((TimedWait)state!).Cancel(), this);

            private void Cancel()
            {
                if (TrySetCanceled())
                {
                    Release();
                }
            }

            private void Release()
            {
                _timer?.Dispose();
                _registration.Dispose();
            }
        }
    }
}
