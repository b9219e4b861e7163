using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Microsoft.PowerShell;

namespace PSSocket.Runner
{
    /// <summary>
    /// Runs a PowerShell script with the staged PSSocket module imported, on the PowerShell engine from NuGet:
    /// <c>dotnet run --project tools/PSSocket.Runner -- SCRIPT [ARGUMENTS...]</c>. Output goes through
    /// Out-Default, so sessions show in the module's table view as pwsh would show them. The exit code is 1
    /// when the script wrote an error or was stopped by one, else $LASTEXITCODE: the N of the script's
    /// <c>exit N</c>, or the code of the last native program it ran.
    /// </summary>
    public static class Program
    {
        private const int UsageExitCode = 2;

        public static int Main(string[] args)
        {
            if (args.Length == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-?")
            {
                PrintUsage();
                return args.Length == 0 ? UsageExitCode : 0;
            }

            string scriptPath = Path.GetFullPath(args[0]);
            if (!File.Exists(scriptPath))
            {
                Console.Error.WriteLine($"PSSocket.Runner: the script '{args[0]}' does not exist.");
                return UsageExitCode;
            }

            string? manifest = ModuleLocator.FindStagedManifest(AppContext.BaseDirectory);
            if (manifest == null)
            {
                Console.Error.WriteLine(
                    $"PSSocket.Runner: no staged module (out/PSSocket/{ModuleLocator.ManifestName}) above {AppContext.BaseDirectory}. Run 'dotnet build' at the repository root first.");
                return UsageExitCode;
            }

            var console = new ConsoleWriter();
            var host = new RunnerHost(console);
            return Run(host, console, manifest, scriptPath, args.Skip(1).ToList());
        }

        private static int Run(RunnerHost host, ConsoleWriter console, string manifest, string scriptPath, IReadOnlyList<string> scriptArguments)
        {
            var ui = (RunnerHostUserInterface)host.UI;
            InitialSessionState state = InitialSessionState.CreateDefault2();
            if (OperatingSystem.IsWindows())
            {
                // Execution policy exists only on Windows; elsewhere setting it throws.
                state.ExecutionPolicy = ExecutionPolicy.Bypass;
            }

            using Runspace runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
            runspace.Open();

            // NormalView shows each error's FullyQualifiedErrorId (the stable id scripts and tests match on).
            runspace.SessionStateProxy.SetVariable("ErrorView", "NormalView");
            if (!console.ColorOutput)
            {
                // As pwsh does when output is redirected or NO_COLOR is set: no ANSI sequences in table headers.
                PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
            }

            if (!Invoke(runspace, ui, $"Import-Module -Name {ScriptCommandLine.Quote(manifest)} -ErrorAction Stop"))
            {
                return 1;
            }

            string command = "$global:LASTEXITCODE = 0" + Environment.NewLine + ScriptCommandLine.Build(scriptPath, scriptArguments);
            bool succeeded = Invoke(runspace, ui, command);
            if (!succeeded || ui.ErrorWritten)
            {
                return 1;
            }

            if (host.ShouldExitCode.HasValue)
            {
                return host.ShouldExitCode.Value;
            }

            return runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int exitCode ? exitCode : 0;
        }

        /// <summary>
        /// Runs <paramref name="script"/> with its output and errors merged into Out-Default, which renders both
        /// through the host. Ctrl+C stops the pipeline (a second Ctrl+C ends the process). False when stopped by an error.
        /// </summary>
        private static bool Invoke(Runspace runspace, RunnerHostUserInterface ui, string script)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
            ps.AddCommand("Out-Default");

            bool stopRequested = false;
            ConsoleCancelEventHandler onCancel = (sender, e) =>
            {
                if (!stopRequested)
                {
                    stopRequested = true;
                    e.Cancel = true;
                    ps.BeginStop(null, null);
                }
            };

            Console.CancelKeyPress += onCancel;
            try
            {
                ps.Invoke();
                return ps.InvocationStateInfo.State != PSInvocationState.Stopped;
            }
            catch (RuntimeException e)
            {
                ReportTerminating(runspace, ui, e.ErrorRecord ?? new ErrorRecord(e, "UnhandledException", ErrorCategory.NotSpecified, null));
                return false;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        /// <summary>
        /// Shows a terminating error with the error view that the script's other errors were shown with: Out-Default
        /// formats the record, and the host sends the lines to the error stream.
        /// </summary>
        private static void ReportTerminating(Runspace runspace, RunnerHostUserInterface ui, ErrorRecord error)
        {
            ui.OutputIsError = true;
            try
            {
                using PowerShell ps = PowerShell.Create();
                ps.Runspace = runspace;
                ps.AddCommand("Out-Default").AddParameter("InputObject", error);
                ps.Invoke();
            }
            catch (RuntimeException)
            {
                // Formatting failed as well: fall back to plain text below.
            }
            finally
            {
                ui.OutputIsError = false;
            }

            if (!ui.ErrorWritten)
            {
                ui.WriteErrorLine(error.ToString());
                ui.WriteErrorLine("    + FullyQualifiedErrorId : " + error.FullyQualifiedErrorId);
            }
        }

        private static void PrintUsage()
        {
            Console.WriteLine($"PSSocket.Runner {RunnerHost.InformationalVersion}: runs a PowerShell script with the staged PSSocket module imported.");
            Console.WriteLine();
            Console.WriteLine("Usage: dotnet run --project tools/PSSocket.Runner -- SCRIPT.ps1 [ARGUMENTS...]");
            Console.WriteLine();
            Console.WriteLine("  Arguments after the script are passed to it as pwsh -File passes them: '-Name value' binds a parameter.");
            Console.WriteLine("  Only the PowerShell Core cmdlets are available besides PSSocket's (no Write-Host, Select-Object...).");
            Console.WriteLine("  Exit code: 1 if the script wrote an error or stopped on one, else $LASTEXITCODE: the N of the");
            Console.WriteLine("  script's 'exit N', or the code of the last native program it ran (0 by default).");
        }
    }
}
