using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PSSocket.Bench
{
    /// <summary>A runspace with the staged module imported, as the tests host it.</summary>
    internal sealed class BenchHost : IDisposable
    {
        private readonly Runspace _runspace;

        public BenchHost()
        {
            _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            _runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
            _runspace.Open();
            Invoke($"Import-Module '{ManifestPath}' -ErrorAction Stop");
        }

        public static string RepoRoot { get; } = FindRepoRoot();

        public static string ManifestPath => Path.Combine(RepoRoot, "out", "PSSocket", "PSSocket.psd1");

        public Runspace Runspace => _runspace;

        public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

        public System.Collections.ObjectModel.Collection<PSObject> Invoke(string script)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            var output = ps.Invoke();
            if (ps.HadErrors)
            {
                throw new InvalidOperationException("Benchmark script failed: " + string.Join("; ", ps.Streams.Error));
            }

            return output;
        }

        public void Dispose() => _runspace.Dispose();

        private static string FindRepoRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "PSSocket.psd1")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("Cannot find PSSocket.psd1 above " + AppContext.BaseDirectory);
        }
    }
}
