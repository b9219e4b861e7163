using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSSocket.Binding
{
    /// <summary>
    /// Tab completion for -Session: the open sessions of this runspace, completed as (Get-Socket -Id N) and listed
    /// by id, with their end points as the tooltip.
    /// </summary>
    internal sealed class SessionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            SessionIdCompleter.Matching(wordToComplete).Select(s => new CompletionResult(
                $"(Get-Socket -Id {s.Id})", s.Id.ToString(CultureInfo.InvariantCulture), CompletionResultType.ParameterValue, SessionIdCompleter.Describe(s)));
    }
}
