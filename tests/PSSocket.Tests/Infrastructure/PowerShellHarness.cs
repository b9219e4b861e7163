using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>A real PowerShell runspace with the staged module imported, for running pipelines of the cmdlets.</summary>
    public sealed class PowerShellHarness : IDisposable
    {
        private readonly Runspace _runspace;

        public PowerShellHarness(bool importModule = true)
        {
            InitialSessionState state = InitialSessionState.CreateDefault2();
            _runspace = RunspaceFactory.CreateRunspace(state);
            _runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
            _runspace.Open();
            if (importModule)
            {
                Run($"Import-Module '{ManifestPath}' -ErrorAction Stop").ThrowOnError();
            }
        }

        public static string RepoRoot { get; } = FindRepoRoot();

        public static string StagedModuleDirectory => Path.Combine(RepoRoot, "out", "PSSocket");

        public static string ManifestPath => Path.Combine(StagedModuleDirectory, "PSSocket.psd1");

        public Runspace Runspace => _runspace;

        public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

        public object? GetVariable(string name)
        {
            object? value = _runspace.SessionStateProxy.GetVariable(name);
            return value is PSObject wrapper ? wrapper.BaseObject : value;
        }

        /// <summary>Runs a script; errors are collected, not thrown, so tests can assert their ids.</summary>
        public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
        {
            if (variables != null)
            {
                foreach (KeyValuePair<string, object?> pair in variables)
                {
                    SetVariable(pair.Key, pair.Value);
                }
            }

            using PowerShell ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            Collection<PSObject> output;
            RuntimeException? terminating = null;
            try
            {
                output = ps.Invoke();
            }
            catch (RuntimeException e)
            {
                output = new Collection<PSObject>();
                terminating = e;
            }

            return new ScriptResult(output.ToList(), ps.Streams.Error.ToList(), ps.Streams.Verbose.ToList(), terminating);
        }

        /// <summary>Creates a PowerShell instance on this runspace, for tests that stop a pipeline from another thread.</summary>
        public PowerShell CreatePipeline(string script)
        {
            PowerShell ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            return ps;
        }

        public void Dispose()
        {
            _runspace.Dispose();
        }

        private static string FindRepoRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null && !File.Exists(Path.Combine(dir, "PSSocket.psd1")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("Cannot find the repository root (PSSocket.psd1) above " + AppContext.BaseDirectory);
        }
    }
}
