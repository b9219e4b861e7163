using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using PSSocket.Tests.Infrastructure;

namespace PSSocket.Tests.Proxies
{
    /// <summary>
    /// A real proxy server (danted, tinyproxy, ncat) run in the foreground for one test, in a folder of its own that
    /// holds its configuration file and its standard output and error (redirected to files by the shell, which then
    /// execs it, so the process id is the proxy's). Disposing kills it and its children by that id and removes the folder.
    /// </summary>
    public sealed class ProxyDaemon : IDisposable
    {
        private readonly Process _process;

        private ProxyDaemon(Process process, string folder, string program, int port)
        {
            _process = process;
            Folder = folder;
            Program = program;
            Port = port;
        }

        public string Folder { get; }

        public string Program { get; }

        public int Port { get; }

        /// <summary>What the proxy wrote to its standard output and error, for a failed test's message.</summary>
        public string Log => string.Join(Environment.NewLine, new[] { "stdout", "stderr" }.Select(name => ReadShared(Path.Combine(Folder, name))));

        /// <summary>
        /// Writes <paramref name="configuration"/> (where {folder} and {port} stand for the daemon's folder and a free
        /// loopback port) to a file, starts <paramref name="program"/> with <paramref name="arguments"/> (with the same
        /// placeholders, and {config} for the file) and waits until it listens on 127.0.0.1 at the port.
        /// </summary>
        public static ProxyDaemon Start(string program, string? configuration, params string[] arguments)
        {
            string path = Locate(program);
            string folder = Path.Combine(Path.GetTempPath(), "pssocket-proxy-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            int port = ExternalPeer.FreeLoopbackPort();
            string config = Path.Combine(folder, program + ".conf");
            string Fill(string text) => text.Replace("{folder}", folder).Replace("{port}", port.ToString()).Replace("{config}", config);
            if (configuration != null)
            {
                File.WriteAllText(config, Fill(configuration));
            }

            var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"exec \"$0\" \"$@\" </dev/null >'{folder}/stdout' 2>'{folder}/stderr'");
            info.ArgumentList.Add(path);
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(Fill(argument));
            }

            var daemon = new ProxyDaemon(Process.Start(info)!, folder, program, port);
            try
            {
                daemon.WaitForListener();
                return daemon;
            }
            catch
            {
                daemon.Dispose();
                throw;
            }
        }

        public static bool IsInstalled(string program) => TryLocate(program) != null;

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }

                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }

            _process.Dispose();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A child still closing its log; the folder is in the temporary directory.
            }
        }

        /// <summary>Daemons live in sbin, which a test's PATH may lack.</summary>
        private static string? TryLocate(string program) =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Concat(new[] { "/usr/sbin", "/usr/bin", "/sbin" })
                .Select(dir => Path.Combine(dir, program))
                .FirstOrDefault(File.Exists);

        private static string Locate(string program) =>
            TryLocate(program) ?? throw new InvalidOperationException($"{program} is not installed; .ci/run installs it with apt-get (CI=true makes this a failure, not a skip).");

        private static string ReadShared(string path)
        {
            try
            {
                using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
                return reader.ReadToEnd();
            }
            catch (IOException e)
            {
                return $"({path}: {e.Message})";
            }
        }

        /// <summary>
        /// Waits (bounded) until a socket listens at the port on 127.0.0.1, or on any address (ncat's proxy mode binds
        /// that whatever it is told), read from /proc so no connection is spent.
        /// </summary>
        private void WaitForListener(int timeoutMs = 15_000)
        {
            string[] listening = { $"0100007F:{Port:X4} 00000000:0000 0A", $"00000000:{Port:X4} 00000000:0000 0A" };
            var watch = Stopwatch.StartNew();
            while (!listening.Any(File.ReadAllText("/proc/net/tcp").Contains))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Program} exited with {_process.ExitCode} before listening on port {Port}: {Log}");
                }

                if (watch.ElapsedMilliseconds > timeoutMs)
                {
                    throw new TimeoutException($"{Program} did not listen on port {Port} within {timeoutMs} ms: {Log}");
                }

                Thread.Sleep(20);
            }
        }
    }
}
