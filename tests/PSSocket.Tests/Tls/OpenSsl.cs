using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Xunit;

namespace PSSocket.Tests.Tls
{
    /// <summary>
    /// A test that needs the openssl command (Debian package openssl; .ci/run installs it). Outside CI it is
    /// skipped when openssl is missing; under CI=true it runs and fails, so a broken install cannot pass silently.
    /// </summary>
    public sealed class OpenSslFactAttribute : FactAttribute
    {
        public OpenSslFactAttribute()
        {
            if (!OpenSsl.IsInstalled && !OpenSsl.UnderCi)
            {
                Skip = "openssl is not installed (apt-get install -y openssl); under CI=true this test fails instead.";
            }
        }
    }

    /// <summary>One openssl process (s_server or s_client) on loopback, bounded in time and killed by its process id.</summary>
    public sealed class OpenSsl : IDisposable
    {
        private static readonly Random Random = new Random();
        private readonly Process _process;
        private readonly StringBuilder _output = new StringBuilder();
        private readonly StringBuilder _errors = new StringBuilder();

        private OpenSsl(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (s, e) => Append(_output, e.Data);
            _process.ErrorDataReceived += (s, e) => Append(_errors, e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        public static bool IsInstalled => Executable != null;

        private static string? Executable =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
                .Select(dir => Path.Combine(dir, "openssl"))
                .FirstOrDefault(File.Exists);

        public int ProcessId => _process.Id;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        /// <summary>Starts openssl with <paramref name="arguments"/> in the certificates' folder.</summary>
        public static OpenSsl Start(params string[] arguments)
        {
            string executable = Executable ?? throw new InvalidOperationException("openssl is not installed (apt-get install -y openssl).");
            var info = new ProcessStartInfo(executable)
            {
                WorkingDirectory = TestCertificates.Directory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            return new OpenSsl(Process.Start(info)!);
        }

        /// <summary>A port on 127.0.0.1 that nothing uses now, below the ephemeral range, for a server that needs its port up front.</summary>
        public static int FreePort()
        {
            for (int attempt = 0; attempt < 200; attempt++)
            {
                int port;
                lock (Random)
                {
                    port = Random.Next(20000, 32000);
                }

                try
                {
                    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    return port;
                }
                catch (SocketException)
                {
                }
            }

            throw new InvalidOperationException("No free loopback port found.");
        }

        /// <summary>Waits until a socket listens on 127.0.0.1:<paramref name="port"/> (read from /proc, so no connection is spent).</summary>
        public void WaitForListener(int port, int timeoutMs = 10_000)
        {
            string needle = $"0100007F:{port:X4} 00000000:0000 0A";
            var watch = Stopwatch.StartNew();
            while (watch.ElapsedMilliseconds < timeoutMs)
            {
                if (File.ReadAllText("/proc/net/tcp").Contains(needle))
                {
                    return;
                }

                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"openssl exited ({_process.ExitCode}) before listening: {Errors}");
                }

                Thread.Sleep(20);
            }

            throw new TimeoutException($"openssl did not listen on port {port} within {timeoutMs} ms: {Errors}");
        }

        public void WriteInput(string text)
        {
            _process.StandardInput.Write(text);
            _process.StandardInput.Flush();
        }

        public void CloseInput() => _process.StandardInput.Close();

        /// <summary>Waits for the process to end by itself; false when it did not within the time.</summary>
        public bool WaitForExit(int timeoutMs)
        {
            if (!_process.WaitForExit(timeoutMs))
            {
                return false;
            }

            _process.WaitForExit(); // drains the output readers
            return true;
        }

        public int ExitCode => _process.ExitCode;

        /// <summary>Kills the process (by its id) if it is still running.</summary>
        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }

            _process.Dispose();
        }

        private static void Append(StringBuilder builder, string? line)
        {
            if (line == null)
            {
                return;
            }

            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}
