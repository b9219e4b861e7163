using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PSSocket.Bench
{
    /// <summary>Import-Module time of the staged module, against opening a runspace with no module.</summary>
    internal sealed class ImportScenario : IScenario
    {
        public string Name => "import";

        public string Description => "Import-Module ./out/PSSocket in a fresh runspace (median of 15)";

        public void Run(Report report)
        {
            double[] import = new double[15];
            double[] baseline = new double[15];
            for (int i = 0; i < import.Length; i++)
            {
                using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
                runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
                runspace.Open();
                baseline[i] = Time(runspace, "$null = Get-Command Get-Command");
                import[i] = Time(runspace, $"Import-Module '{BenchHost.ManifestPath}' -Force");
            }

            report.Add(Name, "Import-Module", Stats.Median(import), "ms", "Get-Command Get-Command", Stats.Median(baseline));
        }

        private static double Time(Runspace runspace, string script)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            var watch = Stopwatch.StartNew();
            ps.Invoke();
            return watch.Elapsed.TotalMilliseconds;
        }
    }
}
