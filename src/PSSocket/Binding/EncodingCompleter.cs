using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSSocket.Text;

namespace PSSocket.Binding
{
    /// <summary>Tab completion for -Encoding: the names pwsh 7 gives its encodings.</summary>
    internal sealed class EncodingCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            return EncodingResolver.KnownNames
                .Where(n => n.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n));
        }
    }
}
