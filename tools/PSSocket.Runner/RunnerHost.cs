using System;
using System.Globalization;
using System.Management.Automation.Host;
using System.Reflection;

namespace PSSocket.Runner
{
    /// <summary>
    /// A minimal console host: enough for Out-Default to format objects (it asks the host for the line width),
    /// for the engine to show warnings, verbose and debug messages, and for scripts to read a line.
    /// </summary>
    internal sealed class RunnerHost : PSHost
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        public RunnerHost(ConsoleWriter console)
        {
            UI = new RunnerHostUserInterface(console);
        }

        public override string Name => "PSSocket.Runner";

        public override Version Version { get; } = typeof(RunnerHost).Assembly.GetName().Version ?? new Version(1, 0);

        public override Guid InstanceId { get; } = Guid.NewGuid();

        public override PSHostUserInterface UI { get; }

        public override CultureInfo CurrentCulture => _culture;

        public override CultureInfo CurrentUICulture => _uiCulture;

        /// <summary>The exit code a script asked for through $Host.SetShouldExit, if it did.</summary>
        public int? ShouldExitCode { get; private set; }

        public override void SetShouldExit(int exitCode) => ShouldExitCode = exitCode;

        public override void EnterNestedPrompt() =>
            throw new NotSupportedException("PSSocket.Runner runs scripts; it has no interactive prompt to nest.");

        public override void ExitNestedPrompt() =>
            throw new NotSupportedException("PSSocket.Runner runs scripts; it has no interactive prompt to nest.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        internal static string InformationalVersion =>
            typeof(RunnerHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    }
}
