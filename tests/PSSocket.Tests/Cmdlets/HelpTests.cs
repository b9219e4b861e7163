using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml;
using PSSocket.Errors;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>
    /// The help the build stages from docs/en-US: Get-Help -Full must show every exported cmdlet's synopsis,
    /// description, examples and every parameter, with metadata that matches the cmdlet's code.
    /// </summary>
    public class HelpTests
    {
        private static readonly Lazy<string[]> Exported = new Lazy<string[]>(() =>
        {
            using var ps = new PowerShellHarness();
            return ps.Run("(Get-Module PSSocket).ExportedCmdlets.Keys").All<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        });

        public static IEnumerable<object[]> ExportedCmdlets() => Exported.Value.Select(name => new object[] { name });

        private static string DocsDirectory => Path.Combine(PowerShellHarness.RepoRoot, "docs", "en-US");

        private static string StagedHelpDirectory => Path.Combine(PowerShellHarness.StagedModuleDirectory, "en-US");

        [Fact]
        public void TheModuleExportsCmdlets()
        {
            Assert.NotEmpty(Exported.Value);
        }

        [Fact]
        public void EveryExportedCmdletHasADocPageAndEveryPageACmdlet()
        {
            var pages = Directory.GetFiles(DocsDirectory, "*.md")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(n => !n!.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                .ToList();

            var withoutPage = Exported.Value.Where(name => !File.Exists(Path.Combine(DocsDirectory, name + ".md"))).ToList();
            Assert.True(withoutPage.Count == 0, "No docs/en-US page for: " + string.Join(", ", withoutPage));
            var stalePages = pages.Where(page => !Exported.Value.Contains(page, StringComparer.Ordinal)).ToList();
            Assert.True(stalePages.Count == 0, "Pages for cmdlets the module does not export: " + string.Join(", ", stalePages));
            Assert.True(File.Exists(Path.Combine(DocsDirectory, "about_PSSocket.md")), "docs/en-US/about_PSSocket.md is missing.");
        }

        [Fact]
        public void TheBuildStagesMamlWithOneCommandPerExportedCmdlet()
        {
            string maml = Path.Combine(StagedHelpDirectory, "PSSocket.dll-Help.xml");
            Assert.True(File.Exists(maml), maml + " was not staged by the build.");

            var document = new XmlDocument();
            document.Load(maml);
            var namespaces = new XmlNamespaceManager(document.NameTable);
            namespaces.AddNamespace("msh", "http://msh");
            namespaces.AddNamespace("command", "http://schemas.microsoft.com/maml/dev/command/2004/10");
            Assert.Equal("helpItems", document.DocumentElement!.LocalName);
            Assert.Equal("maml", document.DocumentElement.GetAttribute("schema"));

            var names = document.SelectNodes("/msh:helpItems/command:command/command:details/command:name", namespaces)!
                .Cast<XmlNode>()
                .Select(n => n.InnerText)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(Exported.Value, names);
        }

        [Theory]
        [MemberData(nameof(ExportedCmdlets))]
        public void GetHelpFullShowsSynopsisDescriptionAndExamples(string name)
        {
            using var ps = new PowerShellHarness();
            PSObject help = GetHelp(ps, name, "-Full");

            Assert.Contains("MamlCommandHelpInfo", help.TypeNames.First());
            string synopsis = Text(help.Properties["Synopsis"]?.Value);
            Assert.False(string.IsNullOrWhiteSpace(synopsis), $"{name}: empty synopsis.");
            Assert.DoesNotContain(name + " [", synopsis, StringComparison.Ordinal); // the synopsis PowerShell makes up when there is no help

            Assert.False(string.IsNullOrWhiteSpace(Text(help.Properties["description"]?.Value)), $"{name}: empty description.");

            List<PSObject> examples = Items(help, "examples", "example");
            Assert.True(examples.Count >= 2, $"{name}: {examples.Count} example(s); at least two are expected.");
            foreach (PSObject example in examples)
            {
                string title = Text(example.Properties["title"]?.Value);
                Assert.False(string.IsNullOrWhiteSpace(title), $"{name}: an example has no title.");
                Assert.False(string.IsNullOrWhiteSpace(Text(example.Properties["code"]?.Value)), $"{name}: '{title}' has no code.");
                Assert.False(string.IsNullOrWhiteSpace(Text(example.Properties["remarks"]?.Value)), $"{name}: '{title}' has no explanation.");
            }

            Assert.NotEmpty(Items(help, "relatedLinks", "navigationLink"));
            Assert.False(string.IsNullOrWhiteSpace(Text(Items(help, "alertSet", "alert"))), $"{name}: empty NOTES.");
        }

        [Theory]
        [MemberData(nameof(ExportedCmdlets))]
        public void GetHelpFullDocumentsEveryParameter(string name)
        {
            using var ps = new PowerShellHarness();
            PSObject help = GetHelp(ps, name, "-Full");
            CommandInfo command = GetCommand(ps, name);

            var documented = Items(help, "parameters", "parameter")
                .ToDictionary(p => Text(p.Properties["name"]?.Value), p => p, StringComparer.OrdinalIgnoreCase);
            var actual = OwnParameters(command).ToList();

            var undocumented = actual.Where(p => !documented.ContainsKey(p.Name)).Select(p => p.Name).ToList();
            Assert.True(undocumented.Count == 0, $"{name}: not in the help: -{string.Join(", -", undocumented)}");

            var stale = documented.Keys.Where(d => actual.All(p => !string.Equals(p.Name, d, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.True(stale.Count == 0, $"{name}: the help documents parameters the cmdlet does not have: -{string.Join(", -", stale)}");

            foreach (ParameterMetadata parameter in actual)
            {
                PSObject doc = documented[parameter.Name];
                Assert.False(string.IsNullOrWhiteSpace(Text(doc.Properties["description"]?.Value)), $"{name} -{parameter.Name}: empty description.");

                string type = Text(((PSObject?)doc.Properties["type"]?.Value)?.Properties["name"]?.Value);
                Assert.True(parameter.ParameterType.Name == type, $"{name} -{parameter.Name}: the help says type {type}, the cmdlet has {parameter.ParameterType.Name}.");

                var aliases = Text(doc.Properties["aliases"]?.Value).Split(',').Select(a => a.Trim()).Where(a => a.Length > 0 && a != "none");
                Assert.True(
                    parameter.Aliases.OrderBy(a => a).SequenceEqual(aliases.OrderBy(a => a)),
                    $"{name} -{parameter.Name}: the help says aliases '{string.Join(", ", aliases)}', the cmdlet has '{string.Join(", ", parameter.Aliases)}'.");
            }
        }

        /// <summary>Each parameter set appears in the help's syntax with the same parameters, and each with its required, position and pipeline input.</summary>
        [Theory]
        [MemberData(nameof(ExportedCmdlets))]
        public void GetHelpSyntaxMatchesEveryParameterSet(string name)
        {
            using var ps = new PowerShellHarness();
            PSObject help = GetHelp(ps, name, "-Full");
            CommandInfo command = GetCommand(ps, name);

            List<PSObject> syntaxItems = Items(help, "syntax", "syntaxItem");
            Assert.Equal(command.ParameterSets.Count, syntaxItems.Count);

            foreach (CommandParameterSetInfo set in command.ParameterSets)
            {
                var expected = set.Parameters
                    .Where(p => !IsCommon(p.Name))
                    .Select(p => Describe(p.Name, p.IsMandatory, p.Position < 0 ? "named" : p.Position.ToString(), p.ValueFromPipeline, p.ValueFromPipelineByPropertyName))
                    .OrderBy(d => d, StringComparer.OrdinalIgnoreCase)
                    .ToList();

                bool found = syntaxItems.Any(item =>
                {
                    var shown = Items(item, "parameter")
                        .Select(p => Describe(
                            Text(p.Properties["name"]?.Value),
                            string.Equals(Text(p.Properties["required"]?.Value), "true", StringComparison.OrdinalIgnoreCase),
                            Text(p.Properties["position"]?.Value).ToLowerInvariant(),
                            Text(p.Properties["pipelineInput"]?.Value).Contains("ByValue", StringComparison.OrdinalIgnoreCase),
                            Text(p.Properties["pipelineInput"]?.Value).Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase)))
                        .OrderBy(d => d, StringComparer.OrdinalIgnoreCase)
                        .ToList();
                    return shown.SequenceEqual(expected, StringComparer.OrdinalIgnoreCase);
                });

                Assert.True(found, $"{name}: no syntax item in the help matches the parameter set {set.Name}: {string.Join("; ", expected)}");
            }
        }

        /// <summary>Enum parameters and ValidateSet parameters list exactly their accepted values.</summary>
        [Theory]
        [MemberData(nameof(ExportedCmdlets))]
        public void GetHelpSyntaxListsTheAcceptedValues(string name)
        {
            using var ps = new PowerShellHarness();
            PSObject help = GetHelp(ps, name, "-Full");
            CommandInfo command = GetCommand(ps, name);

            foreach (ParameterMetadata parameter in OwnParameters(command))
            {
                Type type = parameter.ParameterType.IsArray ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
                string[]? accepted = type.IsEnum
                    ? Enum.GetNames(type)
                    : parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault()?.ValidValues.ToArray();
                if (accepted == null)
                {
                    continue;
                }

                foreach (PSObject item in Items(help, "syntax", "syntaxItem"))
                {
                    PSObject? shown = Items(item, "parameter").FirstOrDefault(p => string.Equals(Text(p.Properties["name"]?.Value), parameter.Name, StringComparison.OrdinalIgnoreCase));
                    if (shown == null)
                    {
                        continue;
                    }

                    var values = Items(shown, "parameterValueGroup", "parameterValue").Select(v => Text(v)).ToArray();
                    Assert.True(accepted.SequenceEqual(values), $"{name} -{parameter.Name}: the help accepts '{string.Join(", ", values)}', the cmdlet '{string.Join(", ", accepted)}'.");
                }
            }
        }

        [Theory]
        [MemberData(nameof(ExportedCmdlets))]
        public void GetHelpExamplesShowsTheExamples(string name)
        {
            using var ps = new PowerShellHarness();
            PSObject help = GetHelp(ps, name, "-Examples");
            Assert.True(Items(help, "examples", "example").Count >= 2, $"{name}: Get-Help -Examples shows fewer than two examples.");
        }

        [Fact]
        public void AboutTopicIsStagedAsTextAndGetHelpFindsIt()
        {
            string staged = Path.Combine(StagedHelpDirectory, "about_PSSocket.help.txt");
            Assert.True(File.Exists(staged), staged + " was not staged by the build.");

            using var ps = new PowerShellHarness();
            ScriptResult result = ps.Run("Get-Help about_PSSocket");
            result.ThrowOnError();
            string text = string.Join("\n", result.Output.Select(o => o.BaseObject.ToString()));
            foreach (string heading in new[] { "TOPIC", "about_PSSocket", "SHORT DESCRIPTION", "LONG DESCRIPTION", "EXAMPLES", "SEE ALSO" })
            {
                Assert.Contains(heading, text, StringComparison.Ordinal);
            }
        }

        /// <summary>The about topic's error table names every error id the module raises, with the category the code gives it.</summary>
        [Fact]
        public void AboutTopicListsEveryErrorIdWithItsCategory()
        {
            string text = File.ReadAllText(Path.Combine(StagedHelpDirectory, "about_PSSocket.help.txt"));
            MethodInfo from = typeof(SocketSessionException).Assembly
                .GetType("PSSocket.ErrorRecords.ErrorRecordFactory", throwOnError: true)!
                .GetMethod("From", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;

            var missing = new List<string>();
            foreach (FieldInfo field in typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            {
                string id = (string)field.GetRawConstantValue()!;
                var record = (ErrorRecord)from.Invoke(null, new object[] { new SocketSessionException(id, "test") })!;
                if (record.CategoryInfo.Category == ErrorCategory.NotSpecified)
                {
                    continue; // an id with no category is not raised by any cmdlet
                }

                if (!Regex.IsMatch(text, $@"^\s+{Regex.Escape(id)}\s+{record.CategoryInfo.Category}\s", RegexOptions.Multiline))
                {
                    missing.Add($"{id} ({record.CategoryInfo.Category})");
                }
            }

            Assert.True(missing.Count == 0, "The about_PSSocket error table lacks: " + string.Join(", ", missing));
        }

        /// <summary>Every cmdlet that supports ShouldProcess shows -WhatIf and -Confirm in each syntax line of its help.</summary>
        [Theory]
        [MemberData(nameof(ExportedCmdlets))]
        public void GetHelpSyntaxShowsWhatIfAndConfirmWhereShouldProcessIsSupported(string name)
        {
            using var ps = new PowerShellHarness();
            PSObject help = GetHelp(ps, name, "-Full");
            CommandInfo command = GetCommand(ps, name);
            bool supported = command.Parameters.ContainsKey("WhatIf");

            foreach (PSObject item in Items(help, "syntax", "syntaxItem"))
            {
                var shown = Items(item, "parameter").Select(p => Text(p.Properties["name"]?.Value)).ToList();
                Assert.Equal(supported, shown.Contains("WhatIf"));
                Assert.Equal(supported, shown.Contains("Confirm"));
            }
        }

        /// <summary>
        /// The shared parameters' help is written once, in docs/en-US/shared/SharedParameters.md: every cmdlet page
        /// carries that text for each shared (dynamic) parameter and for -WhatIf and -Confirm (build/Update-CommandHelp.ps1
        /// copies it), so the pages cannot drift apart.
        /// </summary>
        [Fact]
        public void SharedParametersHaveTheSameHelpOnEveryPage()
        {
            string source = File.ReadAllText(Path.Combine(DocsDirectory, "shared", "SharedParameters.md")).Replace("\r\n", "\n");
            var shared = Sections(source);

            using var ps = new PowerShellHarness();
            int compared = 0;
            foreach (string name in Exported.Value)
            {
                CommandInfo command = GetCommand(ps, name);
                string text = File.ReadAllText(Path.Combine(DocsDirectory, name + ".md")).Replace("\r\n", "\n");
                var sections = Sections(text.Substring(text.IndexOf("## PARAMETERS", StringComparison.Ordinal)));
                foreach (ParameterMetadata parameter in command.Parameters.Values.Where(p => p.IsDynamic || p.Name == "WhatIf" || p.Name == "Confirm"))
                {
                    Assert.True(shared.TryGetValue(parameter.Name, out string? expected), $"{name} -{parameter.Name} is shared but has no section in docs/en-US/shared/SharedParameters.md.");
                    string description = sections[parameter.Name].Split(new[] { "```yaml" }, StringSplitOptions.None)[0].Trim();
                    Assert.True(expected == description, $"{name}.md -{parameter.Name}: the text differs from docs/en-US/shared/SharedParameters.md; run build/Update-CommandHelp.ps1.");
                    compared++;
                }
            }

            Assert.True(compared >= 55, $"only {compared} shared parameters were found on the pages");
        }

        private static Dictionary<string, string> Sections(string markdown) =>
            Regex.Matches(markdown, @"(?s)### -(\w+)\n(.*?)(?=\n### |\n## |\z)")
                .Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());

        private static PSObject GetHelp(PowerShellHarness ps, string name, string view)
        {
            ScriptResult result = ps.Run($"Get-Help -Name '{name}' {view}");
            result.ThrowOnError();
            Assert.Single(result.Output);
            return result.Output[0];
        }

        private static CommandInfo GetCommand(PowerShellHarness ps, string name) =>
            ps.Run($"Get-Command -Name '{name}' -Module PSSocket").Single<CommandInfo>();

        private static IEnumerable<ParameterMetadata> OwnParameters(CommandInfo command) =>
            command.Parameters.Values.Where(p => !IsCommon(p.Name));

        /// <summary>The common parameters the help leaves out; -WhatIf and -Confirm are shown where a cmdlet supports ShouldProcess.</summary>
        private static bool IsCommon(string parameter) =>
            Cmdlet.CommonParameters.Contains(parameter) || parameter == "UseTransaction";

        private static string Describe(string name, bool required, string position, bool byValue, bool byPropertyName) =>
            $"-{name} required={required} position={position} byValue={byValue} byPropertyName={byPropertyName}";

        /// <summary>Walks a help object's nested properties (examples.example, parameters.parameter, ...) as a list.</summary>
        private static List<PSObject> Items(PSObject root, params string[] path)
        {
            IEnumerable<object?> current = new object?[] { root };
            foreach (string step in path)
            {
                current = current
                    .Select(o => o is PSObject pso ? pso.Properties[step]?.Value : null)
                    .SelectMany(Flatten);
            }

            return current.Where(o => o != null).Select(o => o as PSObject ?? new PSObject(o)).ToList();
        }

        private static IEnumerable<object?> Flatten(object? value)
        {
            object? unwrapped = value is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : value;
            if (unwrapped is IEnumerable sequence && unwrapped is not string)
            {
                foreach (object? item in sequence)
                {
                    yield return item;
                }
            }
            else if (value != null)
            {
                yield return value;
            }
        }

        /// <summary>The text of a help value: a string, a { Text } paragraph object, or a list of them.</summary>
        private static string Text(object? value)
        {
            switch (value)
            {
                case null:
                    return string.Empty;
                case string s:
                    return s;
                case PSObject pso when pso.BaseObject is string s:
                    return s;
                case PSObject pso when pso.Properties["Text"] != null:
                    return Text(pso.Properties["Text"].Value);
                case PSObject pso when pso.BaseObject is IEnumerable && pso.BaseObject is not PSCustomObject:
                    return Text(pso.BaseObject);
                case IEnumerable sequence:
                    return string.Join("\n", sequence.Cast<object?>().Select(Text));
                default:
                    return value.ToString() ?? string.Empty;
            }
        }
    }
}
