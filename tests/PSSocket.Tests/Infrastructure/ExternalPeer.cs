using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>
    /// A program nobody here wrote (socat, ncat) on the other end of a socket. It runs with its standard streams
    /// redirected, for at most <see cref="Lifetime"/>, and is killed by its process id (with its children) when the
    /// test disposes it or the lifetime passes. Its output is kept as bytes, for byte-for-byte assertions.
    /// </summary>
    public sealed class ExternalPeer : IDisposable
    {
        public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

        private static readonly Random PortPicker = new Random();

        private readonly Process _process;
        private readonly MemoryStream _output = new MemoryStream();
        private readonly StringBuilder _errors = new StringBuilder();
        private readonly Task _outputCopy;
        private readonly Timer _watchdog;

        private ExternalPeer(Process process, string commandLine)
        {
            _process = process;
            CommandLine = commandLine;
            _outputCopy = Task.Run(CopyOutput);
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            };
            _process.BeginErrorReadLine();
            _watchdog = new Timer(_ => Kill(), null, Lifetime, Timeout.InfiniteTimeSpan);
        }

        /// <summary>CI=true: a missing peer program fails the test instead of skipping it.</summary>
        public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        public string CommandLine { get; }

        public int Id => _process.Id;

        public bool HasExited => _process.HasExited;

        public Stream StandardInput => _process.StandardInput.BaseStream;

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

        public static bool IsInstalled(string program) => FindProgram(program) != null;

        public static ExternalPeer Start(string program, params string[] arguments)
        {
            string path = FindProgram(program)
                ?? throw new InvalidOperationException($"{program} is not installed; .ci/run installs it with apt-get (CI=true makes this a failure, not a skip).");
            var info = new ProcessStartInfo(path)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            return new ExternalPeer(Process.Start(info)!, program + " " + string.Join(" ", arguments));
        }

        /// <summary>The bytes the program wrote to its standard output so far.</summary>
        public byte[] Output()
        {
            lock (_output)
            {
                return _output.ToArray();
            }
        }

        /// <summary>Waits (bounded) until the program has written at least <paramref name="count"/> bytes; returns them all.</summary>
        public byte[] WaitForOutput(int count, int timeoutMs = 10_000)
        {
            var watch = Stopwatch.StartNew();
            while (Output().Length < count && watch.ElapsedMilliseconds < timeoutMs && !(_process.HasExited && _outputCopy.IsCompleted))
            {
                Thread.Sleep(10);
            }

            byte[] output = Output();
            if (output.Length < count)
            {
                throw new TimeoutException($"{CommandLine} wrote {output.Length} of {count} bytes within {timeoutMs} ms. Its errors: {Errors}");
            }

            return output;
        }

        public bool WaitForExit(int timeoutMs)
        {
            bool exited = _process.WaitForExit(timeoutMs);
            if (exited)
            {
                _outputCopy.Wait(timeoutMs);
            }

            return exited;
        }

        public void Dispose()
        {
            _watchdog.Dispose();
            Kill();
            _process.WaitForExit(5000);
            _outputCopy.Wait(5000);
            _process.Dispose();
        }

        /// <summary>A port below the ephemeral range, free on 127.0.0.1 and ::1 for TCP and UDP, for a peer that needs one up front.</summary>
        public static int FreeLoopbackPort()
        {
            for (int attempt = 0; attempt < 200; attempt++)
            {
                int port;
                lock (PortPicker)
                {
                    port = PortPicker.Next(20_000, 32_000);
                }

                if (IsFree(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("No free loopback port found below 32000.");
        }

        /// <summary>Waits (bounded) until a socket of the peer is bound to the port: it is ready for datagrams or connections.</summary>
        public void WaitForPort(int port, bool udp, bool ipv6, int timeoutMs = 10_000)
        {
            string table = $"/proc/net/{(udp ? "udp" : "tcp")}{(ipv6 ? "6" : string.Empty)}";
            string needle = $":{port:X4} ";
            var watch = Stopwatch.StartNew();
            while (watch.ElapsedMilliseconds < timeoutMs)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{CommandLine} exited with {_process.ExitCode} before binding port {port}: {Errors}");
                }

                // A TCP socket counts once it listens (state 0A); a UDP one once it is bound.
                if (File.ReadLines(table).Skip(1).Any(line => LocalPart(line).EndsWith(needle.TrimEnd(), StringComparison.Ordinal) && (udp || line.Contains(" 0A "))))
                {
                    return;
                }

                Thread.Sleep(10);
            }

            throw new TimeoutException($"{CommandLine} did not bind port {port} within {timeoutMs} ms: {Errors}");
        }

        /// <summary>Waits (bounded) until the peer's socket file exists.</summary>
        public void WaitForPath(string path, int timeoutMs = 10_000)
        {
            var watch = Stopwatch.StartNew();
            while (!File.Exists(path))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{CommandLine} exited with {_process.ExitCode} before making {path}: {Errors}");
                }

                if (watch.ElapsedMilliseconds > timeoutMs)
                {
                    throw new TimeoutException($"{CommandLine} did not make {path} within {timeoutMs} ms: {Errors}");
                }

                Thread.Sleep(10);
            }
        }

        private static string LocalPart(string line)
        {
            string[] fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 1 ? fields[1] : string.Empty;
        }

        private static bool IsFree(int port)
        {
            try
            {
                foreach (IPAddress address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
                {
                    using var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    tcp.Bind(new IPEndPoint(address, port));
                    using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    udp.Bind(new IPEndPoint(address, port));
                }

                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private static string? FindProgram(string program) =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, program))
                .FirstOrDefault(File.Exists);

        private void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        private void CopyOutput()
        {
            var buffer = new byte[64 * 1024];
            Stream stdout = _process.StandardOutput.BaseStream;
            int n;
            while ((n = stdout.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_output)
                {
                    _output.Write(buffer, 0, n);
                }
            }
        }
    }
}
