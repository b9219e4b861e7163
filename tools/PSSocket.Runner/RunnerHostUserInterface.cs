using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace PSSocket.Runner
{
    /// <summary>The host's console: output to stdout, errors to stderr, input from stdin.</summary>
    internal sealed class RunnerHostUserInterface : PSHostUserInterface
    {
        private readonly ConsoleWriter _console;

        public RunnerHostUserInterface(ConsoleWriter console)
        {
            _console = console;
            RawUI = new RunnerRawUserInterface();
        }

        public override PSHostRawUserInterface RawUI { get; }

        /// <summary>Tells the formatter whether ANSI sequences (table header colors) will be rendered.</summary>
        public override bool SupportsVirtualTerminal => _console.ColorOutput;

        /// <summary>True once anything was written as an error: the runner then exits with 1.</summary>
        public bool ErrorWritten { get; private set; }

        /// <summary>While set, output lines are errors: the runner formats a terminating error with Out-Default.</summary>
        internal bool OutputIsError { get; set; }

        public override void Write(string value) => Write(value, null);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) =>
            Write(value, foregroundColor);

        public override void WriteLine(string value) => Write(value + Environment.NewLine, null);

        public override void WriteErrorLine(string value)
        {
            ErrorWritten = true;
            _console.WriteError(value + Environment.NewLine, ConsoleColor.Red);
        }

        private void Write(string value, ConsoleColor? color)
        {
            if (OutputIsError)
            {
                ErrorWritten = true;
                _console.WriteError(value, ConsoleColor.Red);
            }
            else
            {
                _console.Write(value, color);
            }
        }

        public override void WriteDebugLine(string message) =>
            _console.Write("DEBUG: " + message + Environment.NewLine, ConsoleColor.Yellow);

        public override void WriteVerboseLine(string message) =>
            _console.Write("VERBOSE: " + message + Environment.NewLine, ConsoleColor.Yellow);

        public override void WriteWarningLine(string message) =>
            _console.Write("WARNING: " + message + Environment.NewLine, ConsoleColor.Yellow);

        public override void WriteInformation(InformationRecord record)
        {
            // Write-Host (tag PSHOST) has already gone through Write; other information records shown here.
            if (record.Tags.Contains("PSHOST"))
            {
                return;
            }

            WriteLine(record.MessageData?.ToString() ?? string.Empty);
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            // A script runner's output is read later, often from a log: progress bars would only add noise.
        }

        public override string ReadLine() => Console.In.ReadLine() ?? string.Empty;

        public override SecureString ReadLineAsSecureString()
        {
            var secure = new SecureString();
            foreach (char c in ReadLine())
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            WriteCaption(caption, message);
            var answers = new Dictionary<string, PSObject>();
            foreach (FieldDescription field in descriptions)
            {
                Write(field.Name + ": ");
                answers[field.Name] = PSObject.AsPSObject(ReadLine());
            }

            return answers;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

        public override PSCredential PromptForCredential(
            string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        {
            WriteCaption(caption, message);
            if (string.IsNullOrEmpty(userName))
            {
                Write("User: ");
                userName = ReadLine();
            }

            Write("Password for " + userName + ": ");
            return new PSCredential(userName, ReadLineAsSecureString());
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            WriteCaption(caption, message);
            for (int i = 0; i < choices.Count; i++)
            {
                WriteLine(string.Format(CultureInfo.InvariantCulture, "[{0}] {1}", i, choices[i].Label.Replace("&", string.Empty)));
            }

            while (true)
            {
                Write(string.Format(CultureInfo.InvariantCulture, "Choice (default {0}): ", defaultChoice));
                string answer = ReadLine().Trim();
                if (answer.Length == 0)
                {
                    return defaultChoice;
                }

                if (int.TryParse(answer, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0 && index < choices.Count)
                {
                    return index;
                }

                int byLabel = choices.ToList().FindIndex(
                    c => string.Equals(c.Label.Replace("&", string.Empty), answer, StringComparison.OrdinalIgnoreCase));
                if (byLabel >= 0)
                {
                    return byLabel;
                }
            }
        }

        private void WriteCaption(string caption, string message)
        {
            if (!string.IsNullOrEmpty(caption))
            {
                WriteLine(caption);
            }

            if (!string.IsNullOrEmpty(message))
            {
                WriteLine(message);
            }
        }
    }
}
