using System;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>Ctrl+C wakes a blocked caller through the token itself.</summary>
    public class TaskWaiterTests
    {
        [Fact]
        public void ResultThrowsOnCancelEvenWhileTheAbandonedWorkStillRuns()
        {
            using var stop = new CancellationTokenSource();
            var stuck = new TaskCompletionSource<int>();
            int abandoned = 0;
            Task<int> waiting = Task.Run(() => TaskWaiter.Result(stuck.Task, stop.Token, n => abandoned = n));
            Thread.Sleep(50);
            stop.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => waiting.GetAwaiter().GetResult());
            stuck.SetResult(7);
            Assert.True(SpinWait.SpinUntil(() => abandoned == 7, 5000), "the late result was not handed to abandon");
        }
    }
}
