using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace PSSocket.Bench
{
    /// <summary>
    /// Per-call cost as a user meets it: one real pwsh (dotnet pwsh, the pinned tool) runs Scripts/PwshRoundTrip.ps1,
    /// which times a 1-byte Send-SocketData + Receive-SocketData -Count 1 -AsByteArray round trip against an -Echo
    /// listener, two trivial binary cmdlet calls (Get-Random) and the raw NetworkStream round trip, from the same
    /// script loop; and the same for 64 KiB payloads.
    /// </summary>
    internal sealed class PwshRoundTripScenario : IScenario
    {
        public string Name => "pwsh-roundtrip";

        public string Description => "in real pwsh: 1-byte cmdlet round trip vs two trivial cmdlets + a raw NetworkStream round trip";

        public void Run(Report report)
        {
            string root = RepoRoot();
            string manifest = Path.Combine(root, "out", "PSSocket", "PSSocket.psd1");
            string script = Path.Combine(AppContext.BaseDirectory, "Scripts", "PwshRoundTrip.ps1");
            var info = new ProcessStartInfo("dotnet", new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", script, "-Manifest", manifest })
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process pwsh = Process.Start(info)!;
            string output = pwsh.StandardOutput.ReadToEnd();
            string errors = pwsh.StandardError.ReadToEnd();
            if (!pwsh.WaitForExit(600_000))
            {
                pwsh.Kill(entireProcessTree: true);
                throw new TimeoutException("pwsh did not finish within 10 minutes.");
            }

            if (pwsh.ExitCode != 0)
            {
                throw new InvalidOperationException($"pwsh exited with {pwsh.ExitCode}: {errors}");
            }

            using JsonDocument json = JsonDocument.Parse(output.Trim());
            double Get(string name) => json.RootElement.GetProperty(name).GetDouble();
            double floor = Get("trivial") + Get("raw");
            report.Add(Name, "raw NetworkStream round trip", Get("raw"), "µs");
            report.Add(Name, "two trivial cmdlet calls (Get-Random)", Get("trivial"), "µs");
            report.Add(Name, "Send-SocketData -Session + Receive-SocketData -Count 1 -AsByteArray", Get("cmdlets"), "µs", "trivial pair + raw round trip", floor, "aim <= 1.3x");
            report.Add(Name, "the same with the session piped in", Get("piped"), "µs", "trivial pair + raw round trip", floor);
            report.Add(Name, "64 KiB Send-SocketData + Receive-SocketData -Count 65536", Get("cmdletsLarge"), "µs", "raw NetworkStream 64 KiB", Get("rawLarge"));
            report.Add(Name, "CPU: 1-byte cmdlet round trip", Get("cpu_cmdlets"), "µs", "CPU: trivial pair + raw round trip", Get("cpu_trivial") + Get("cpu_raw"), "process CPU, steadier on a busy machine");
        }

        private static string RepoRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "PSSocket.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new DirectoryNotFoundException("PSSocket.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
