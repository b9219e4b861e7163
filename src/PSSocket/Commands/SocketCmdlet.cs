using System;
using System.Management.Automation;
using System.Text;
using System.Threading;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Hosting;
using PSSocket.Sessions;
using PSSocket.Text;

namespace PSSocket.Commands
{
    /// <summary>
    /// What every PSSocket cmdlet shares: a cancellation token that StopProcessing (Ctrl+C) fires, and the
    /// translation of engine failures into non-terminating ErrorRecords.
    /// </summary>
    public abstract class SocketCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        private protected CancellationToken StopToken => _stopping.Token;

        internal static SessionRegistry Registry => RunspaceSessions.Current;

        public void Dispose()
        {
            _stopping.Dispose();
            GC.SuppressFinalize(this);
        }

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>Runs one engine call; a failure becomes a non-terminating error and false.</summary>
        private protected bool TryRun(Action action)
        {
            try
            {
                action();
                return true;
            }
            catch (SocketSessionException e)
            {
                WriteError(ErrorRecordFactory.From(e));
                return false;
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        private protected void ThrowTerminating(SocketSessionException error) => ThrowTerminatingError(ErrorRecordFactory.From(error));

        /// <summary>Checks one group of the option rules (Binding/OptionRules.cs): the first broken rule stops the command.</summary>
        private protected void Enforce(System.Collections.Generic.IEnumerable<OptionRule> rules, OptionFacts facts)
        {
            try
            {
                OptionRules.Check(rules, facts);
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
            }
        }

        /// <summary>Resolves an encoding name, or stops the command with UnknownEncoding.</summary>
        private protected Encoding ResolveEncoding(string name)
        {
            try
            {
                return EncodingResolver.Resolve(name);
            }
            catch (SocketSessionException e)
            {
                ThrowTerminating(e);
                throw;
            }
        }

        private protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

        private bool? _verbose;
        private bool? _debug;

        /// <summary>Whether -Verbose (or $VerbosePreference) shows verbose lines: check it before formatting one, so narration costs nothing when off.</summary>
        private protected bool IsVerbose => _verbose ??= Shows("Verbose", "VerbosePreference");

        /// <summary>Whether -Debug (or $DebugPreference) shows debug lines.</summary>
        private protected bool IsDebug => _debug ??= Shows("Debug", "DebugPreference");

        /// <summary>A session in a verbose line: its id, kind and end points.</summary>
        private protected static string Describe(SocketSession session)
        {
            string remote = session.RemoteEndPoint == null ? string.Empty : " -> " + EndPoints.Format(session.RemoteEndPoint);
            return $"session {session.Id} ({session.Protocol}{(session.Tls != null ? "+TLS" : string.Empty)} {EndPoints.Format(session.LocalEndPoint)}{remote})";
        }

        private bool Shows(string parameter, string preference)
        {
            if (MyInvocation.BoundParameters.TryGetValue(parameter, out object? given))
            {
                return given is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(given);
            }

            object? value = GetVariableValue(preference);
            ActionPreference shown = value is ActionPreference p ? p
                : value != null && System.Enum.TryParse(value.ToString(), true, out ActionPreference parsed) ? parsed
                : ActionPreference.SilentlyContinue;
            return shown != ActionPreference.SilentlyContinue && shown != ActionPreference.Ignore;
        }
    }
}
