using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace PSSocket.Runner
{
    /// <summary>
    /// Turns the runner's arguments into the PowerShell text that invokes the script, as pwsh -File does:
    /// -Name tokens stay parameter names, every other argument is passed as a literal string.
    /// </summary>
    internal static class ScriptCommandLine
    {
        private static readonly Regex ParameterName = new Regex(@"^-[\p{L}_][\p{L}\p{Nd}_]*:?$", RegexOptions.CultureInvariant);

        public static string Build(string scriptPath, IReadOnlyList<string> arguments)
        {
            var text = new StringBuilder("& ").Append(Quote(scriptPath));
            foreach (string argument in arguments)
            {
                text.Append(' ').Append(ParameterName.IsMatch(argument) ? argument : Quote(argument));
            }

            return text.ToString();
        }

        /// <summary>A single-quoted PowerShell literal: nothing inside it is expanded.</summary>
        public static string Quote(string value)
        {
            var quoted = new StringBuilder("'");
            foreach (char c in value)
            {
                // PowerShell also treats the typographic single quotes as quotes; doubling escapes each.
                if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B')
                {
                    quoted.Append(c);
                }

                quoted.Append(c);
            }

            return quoted.Append('\'').ToString();
        }
    }
}
