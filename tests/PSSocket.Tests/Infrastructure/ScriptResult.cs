using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace PSSocket.Tests.Infrastructure
{
    public sealed class ScriptResult
    {
        public ScriptResult(List<PSObject> output, List<ErrorRecord> errors, List<VerboseRecord> verbose, RuntimeException? terminating)
        {
            Output = output;
            Errors = errors;
            Verbose = verbose;
            Terminating = terminating;
        }

        public List<PSObject> Output { get; }

        public List<ErrorRecord> Errors { get; }

        public List<VerboseRecord> Verbose { get; }

        public RuntimeException? Terminating { get; }

        /// <summary>Every error: the non-terminating ones, then the terminating one.</summary>
        public IEnumerable<ErrorRecord> AllErrors =>
            Terminating?.ErrorRecord == null ? Errors : Errors.Append(Terminating.ErrorRecord);

        /// <summary>The error ids without the ",Command" suffix PowerShell appends.</summary>
        public IReadOnlyList<string> ErrorIds => AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();

        public ScriptResult ThrowOnError()
        {
            if (Terminating != null || Errors.Count > 0)
            {
                throw new InvalidOperationException("The script failed: " + string.Join(Environment.NewLine, AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            }

            return this;
        }

        public T Single<T>()
        {
            ThrowOnError();
            if (Output.Count != 1)
            {
                throw new InvalidOperationException($"Expected one output object, got {Output.Count}.");
            }

            return (T)Output[0].BaseObject;
        }

        public List<T> All<T>() => Output.Select(o => (T)o.BaseObject).ToList();
    }
}
