using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>
    /// A test that needs ncat (Debian package ncat; .ci/run installs it). Outside CI it is skipped when ncat is
    /// missing; under CI=true it runs and fails, so a broken install cannot pass silently.
    /// </summary>
    public sealed class NcatFactAttribute : FactAttribute
    {
        public NcatFactAttribute()
        {
            if (!Ncat.IsInstalled && !Ncat.UnderCi)
            {
                Skip = "ncat is not installed (apt-get install -y ncat); under CI=true this test fails instead.";
            }
        }
    }

    /// <summary>
    /// One ncat client process on loopback: stdin and stdout are raw byte streams, stdout is collected as it
    /// arrives, the process is bounded in time and killed by its process id when disposed.
    /// </summary>
    public sealed class Ncat : IDisposable
    {
        private readonly Process _process;
        private readonly MemoryStream _received = new MemoryStream();
        private readonly Task _reader;

        private Ncat(Process process)
        {
            _process = process;
            _reader = Task.Run(ReadOutput);
            _process.ErrorDataReceived += (s, e) => { };
            _process.BeginErrorReadLine();
        }

        public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        public static bool IsInstalled => Executable != null;

        private static string? Executable =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
                .Where(dir => dir.Length > 0)
                .Select(dir => Path.Combine(dir, "ncat"))
                .FirstOrDefault(File.Exists);

        public int ProcessId => _process.Id;

        public bool HasExited => _process.HasExited;

        /// <summary>Starts ncat as a client of 127.0.0.1:<paramref name="port"/>; a missing ncat fails the test.</summary>
        public static Ncat Connect(int port)
        {
            string executable = Executable ?? throw new Xunit.Sdk.XunitException("ncat is not installed (apt-get install -y ncat); .ci/run installs it.");
            var info = new ProcessStartInfo(executable)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("127.0.0.1");
            info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new Ncat(Process.Start(info)!);
        }

        public void Send(byte[] data)
        {
            _process.StandardInput.BaseStream.Write(data, 0, data.Length);
            _process.StandardInput.BaseStream.Flush();
        }

        /// <summary>Closes ncat's stdin: ncat then shuts down its send side and reads until the server closes.</summary>
        public void EndInput() => _process.StandardInput.Close();

        /// <summary>Everything ncat has printed so far.</summary>
        public byte[] Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToArray();
                }
            }
        }

        /// <summary>Waits until ncat has printed at least <paramref name="count"/> bytes; fails after <paramref name="timeoutMs"/>.</summary>
        public byte[] WaitForOutput(int count, int timeoutMs = 10_000)
        {
            var watch = Stopwatch.StartNew();
            while (Received.Length < count)
            {
                Assert.True(watch.ElapsedMilliseconds < timeoutMs, $"ncat printed {Received.Length} of {count} bytes within {timeoutMs} ms");
                Thread.Sleep(5);
            }

            return Received;
        }

        /// <summary>Waits for ncat to exit and for its output to be read; false on timeout.</summary>
        public bool WaitForExit(int timeoutMs = 10_000) => _process.WaitForExit(timeoutMs) && _reader.Wait(timeoutMs);

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    Process.GetProcessById(_process.Id).Kill();
                    _process.WaitForExit(5000);
                }
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException)
            {
                // It exited meanwhile.
            }

            _process.Dispose();
        }

        private void ReadOutput()
        {
            var buffer = new byte[64 * 1024];
            Stream output = _process.StandardOutput.BaseStream;
            int n;
            while ((n = output.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_received)
                {
                    _received.Write(buffer, 0, n);
                }
            }
        }
    }
}
