using System;
using System.IO;
using System.Text.RegularExpressions;

namespace PSSocket.Runner
{
    /// <summary>
    /// Writes to the console's output and error streams, in color only where a person is watching: not when
    /// the stream is redirected, and not when NO_COLOR is set. There the ANSI sequences that the formatter puts
    /// in table headers are removed as well, as pwsh's own host does.
    /// </summary>
    internal sealed class ConsoleWriter
    {
        private static readonly Regex AnsiSequence = new Regex(
            @"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])", RegexOptions.CultureInvariant);

        private readonly object _gate = new object();
        private readonly bool _colorOut;
        private readonly bool _colorError;

        public ConsoleWriter()
        {
            bool noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
            _colorOut = !noColor && !Console.IsOutputRedirected;
            _colorError = !noColor && !Console.IsErrorRedirected;
        }

        /// <summary>True when standard output is a terminal that may show colors.</summary>
        public bool ColorOutput => _colorOut;

        public void Write(string text, ConsoleColor? color = null) => WriteTo(Console.Out, _colorOut, text, color);

        public void WriteError(string text, ConsoleColor? color = null) => WriteTo(Console.Error, _colorError, text, color);

        private void WriteTo(TextWriter writer, bool colorAllowed, string text, ConsoleColor? color)
        {
            if (!colorAllowed && text.IndexOf('\x1b') >= 0)
            {
                text = AnsiSequence.Replace(text, string.Empty);
            }

            lock (_gate)
            {
                if (color.HasValue && colorAllowed)
                {
                    ConsoleColor previous = Console.ForegroundColor;
                    Console.ForegroundColor = color.Value;
                    writer.Write(text);
                    writer.Flush();
                    Console.ForegroundColor = previous;
                }
                else
                {
                    writer.Write(text);
                    writer.Flush();
                }
            }
        }
    }
}
