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
                return task.Wait(deadline.RemainingMilliseconds, cancellationToken);
            }
            catch (AggregateException)
            {
                // The task faulted; the caller observes the fault through GetAwaiter().GetResult().
                return true;
            }
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
    }
}
