using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace PSSocket.Bench
{
    /// <summary>Runs a program through bash with a time limit, killing it by its process id when the limit passes.</summary>
    internal sealed class ExternalProgram : IDisposable
    {
        private readonly Process _process;

        private ExternalProgram(Process process)
        {
            _process = process;
        }

        public static bool Exists(string name) =>
            Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(dir => File.Exists(Path.Combine(dir, name)));

        public static ExternalProgram Start(string commandLine)
        {
            var info = new ProcessStartInfo("bash", new[] { "-c", commandLine })
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            return new ExternalProgram(Process.Start(info)!);
        }

        public int Id => _process.Id;

        public bool WaitForExit(int milliseconds) => _process.WaitForExit(milliseconds);

        public int ExitCode => _process.ExitCode;

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }

            _process.Dispose();
        }

        /// <summary>Waits until something listens on the port (the program is up), bounded in time.</summary>
        public static void WaitForListener(int port, int timeoutMs = 5000)
        {
            var watch = Stopwatch.StartNew();
            while (watch.ElapsedMilliseconds < timeoutMs)
            {
                if (File.ReadAllText("/proc/net/tcp").Contains($":{port:X4} 00000000:0000 0A"))
                {
                    return;
                }

                Thread.Sleep(10);
            }

            throw new TimeoutException($"Nothing listened on port {port} within {timeoutMs} ms.");
        }
    }
}
