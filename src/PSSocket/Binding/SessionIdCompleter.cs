using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PSSocket.Hosting;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>Tab completion for -Id: the ids of this runspace's open sessions, with their end points as the tooltip.</summary>
    internal sealed class SessionIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(
            string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Matching(wordToComplete).Select(s =>
            {
                string id = s.Id.ToString(CultureInfo.InvariantCulture);
                return new CompletionResult(id, id, CompletionResultType.ParameterValue, Describe(s));
            });

        /// <summary>The sessions whose id starts with the digits at the end of the word ("(Get-Socket -Id 1" and "1" both give 1, 10, 11...).</summary>
        internal static IEnumerable<SocketSession> Matching(string? wordToComplete)
        {
            string word = wordToComplete ?? string.Empty;
            int start = word.Length;
            while (start > 0 && char.IsDigit(word[start - 1]))
            {
                start--;
            }

            string digits = word.Substring(start);
            return RunspaceSessions.Current.Snapshot()
                .Where(s => s.Id.ToString(CultureInfo.InvariantCulture).StartsWith(digits, StringComparison.Ordinal))
                .OrderBy(s => s.Id);
        }

        internal static string Describe(SocketSession s)
        {
            string remote = s.RemoteEndPoint == null ? string.Empty : " -> " + EndPoints.Format(s.RemoteEndPoint);
            return $"{s.Id}: {s.Protocol}{(s.Tls != null ? "+TLS" : string.Empty)} {s.State} {s.Role} {EndPoints.Format(s.LocalEndPoint)}{remote}";
        }
    }
}
