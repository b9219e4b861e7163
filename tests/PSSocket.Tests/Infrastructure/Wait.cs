using System;
using System.Diagnostics;
using System.Threading;

namespace PSSocket.Tests.Infrastructure
{
    public static class Wait
    {
        /// <summary>Waits (bounded) until the condition holds; fails the test with <paramref name="what"/> otherwise.</summary>
        public static void Until(Func<bool> condition, string what, int timeoutMs)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.ElapsedMilliseconds > timeoutMs)
                {
                    throw new TimeoutException($"Waited {timeoutMs} ms for: {what}");
                }

                Thread.Sleep(5);
            }
        }
    }
}
