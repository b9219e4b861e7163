using System;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using System.Xml.Linq;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>
    /// How the staged help reads: example code without its output (a copy of it parses and runs), the output shown
    /// apart, a blank line after each example, NOTES without leading blank lines, about_PSSocket within 80 columns.
    /// </summary>
    public class HelpRenderingTests
    {
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

        private static string StagedHelp => Path.Combine(PowerShellHarness.StagedModuleDirectory, "en-US");

        private static XDocument Maml_ => XDocument.Load(Path.Combine(StagedHelp, "PSSocket.dll-Help.xml"));

        [Fact]
        public void ExampleCodeHasNoOutputAndParses()
        {
            int withOutput = 0;
            foreach (XElement example in Maml_.Descendants(Command + "example"))
            {
                string title = example.Element(Maml + "title")!.Value;
                string code = example.Element(Dev + "code")!.Value;
                Parser.ParseInput(code, out _, out ParseError[] errors);
                Assert.True(errors.Length == 0, $"{title}: the code does not parse: {string.Join("; ", errors.Select(e => e.Message))}\n{code}");

                string[] remarks = example.Element(Dev + "remarks")!.Elements(Maml + "para").Select(p => p.Value).ToArray();
                Assert.True(remarks.Length >= 2 && remarks[^1].Length == 0, $"{title}: the remarks end with an empty paragraph, a blank line before the next example.");
                if (remarks.Length > 2 && code.TrimEnd().EndsWith(remarks[0].TrimEnd(), StringComparison.Ordinal))
                {
                    Assert.Fail($"{title}: the code holds the output too.");
                }

                withOutput += remarks.Length > 2 ? 1 : 0;
            }

            Assert.True(withOutput > 0);
        }

        [Fact]
        public void OutputBlocksBecomeTheFirstRemarks()
        {
            string page = File.ReadAllText(Path.Combine(PowerShellHarness.RepoRoot, "docs", "en-US", "Wait-SocketConnection.md"));
            Assert.Contains("```Output\nNo client connected within a second.\n```", page.Replace("\r\n", "\n"));
            XElement example = Maml_.Descendants(Command + "example").First(e => e.Element(Maml + "title")!.Value.Contains("Tell a timeout from other errors"));
            Assert.DoesNotContain("No client connected within a second.\n", example.Element(Dev + "code")!.Value + "\n");
            Assert.Equal("No client connected within a second.", example.Element(Dev + "remarks")!.Elements(Maml + "para").First().Value);
        }

        [Fact]
        public void NotesStartWithTextNotBlankLines()
        {
            foreach (XElement alertSet in Maml_.Descendants(Maml + "alertSet"))
            {
                string? title = alertSet.Element(Maml + "title")?.Value;
                Assert.False(string.IsNullOrWhiteSpace(title), "Get-Help prints an alertSet's title, then a blank line: an empty title opens NOTES with two empty lines.");
            }
        }

        [Fact]
        public void AboutTopicFits80Columns()
        {
            string[] lines = File.ReadAllLines(Path.Combine(StagedHelp, "about_PSSocket.help.txt"));
            string[] wide = lines.Where(l => l.Length > 80).ToArray();
            Assert.True(wide.Length == 0, "Wider than 80 columns:\n" + string.Join("\n", wide));
        }
    }
}
