// Builds PowerShell help from the platyPS-style markdown in docs/<culture>/:
//   <Cmdlet>.md   ->  <Module>.dll-Help.xml (MAML, the format Get-Help reads for a binary module)
//   about_*.md    ->  about_*.help.txt      (plain text, as Get-Help about_* shows it)
// Compiled by MSBuild's RoslynCodeTaskFactory (see Help.targets): netstandard2.0 C#, System.Xml only.
// The markdown layout is the one platyPS 0.14 New-MarkdownHelp writes (schema 2.0.0); the MAML is the
// one platyPS New-ExternalHelp renders from it. A page that breaks the layout fails the build with the
// file and line, so help never ships half-converted.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class MarkdownHelpTask : Microsoft.Build.Utilities.Task
{
    /// <summary>The markdown pages: one per cmdlet, plus about_*.md topics.</summary>
    [Required]
    public ITaskItem[] Sources { get; set; }

    /// <summary>The culture folder to write into, e.g. out/PSSocket/en-US.</summary>
    [Required]
    public string OutputDirectory { get; set; }

    /// <summary>The MAML file name, e.g. PSSocket.dll-Help.xml.</summary>
    [Required]
    public string HelpFileName { get; set; }

    /// <summary>When set, every cmdlet page's front matter must name this module.</summary>
    public string ModuleName { get; set; }

    [Output]
    public ITaskItem[] WrittenFiles { get; set; }

    public override bool Execute()
    {
        var commands = new List<HelpCommand>();
        var written = new List<ITaskItem>();
        Directory.CreateDirectory(OutputDirectory);

        foreach (ITaskItem source in Sources.OrderBy(s => s.ItemSpec, StringComparer.OrdinalIgnoreCase))
        {
            string path = source.GetMetadata("FullPath");
            string name = Path.GetFileNameWithoutExtension(path);
            try
            {
                List<Block> blocks = MarkdownReader.Read(path, File.ReadAllText(path), out Dictionary<string, string> frontMatter);
                if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                {
                    string text = AboutRenderer.Render(path, blocks);
                    string target = Path.Combine(OutputDirectory, name + ".help.txt");
                    File.WriteAllText(target, text, new UTF8Encoding(false));
                    written.Add(new TaskItem(target));
                }
                else
                {
                    HelpCommand command = CommandPageParser.Parse(path, blocks, frontMatter);
                    CheckFrontMatter(path, name, command, frontMatter);
                    commands.Add(command);
                }
            }
            catch (HelpSchemaException e)
            {
                Log.LogError(null, "PSHELP001", null, e.File, e.Line, 0, 0, 0, e.Message);
            }
        }

        if (Log.HasLoggedErrors)
        {
            return false;
        }

        string maml = Path.Combine(OutputDirectory, HelpFileName);
        File.WriteAllText(maml, MamlWriter.Render(commands), new UTF8Encoding(false));
        written.Add(new TaskItem(maml));
        Log.LogMessage(MessageImportance.Normal, "Help: {0} cmdlet page(s) -> {1}", commands.Count, maml);
        WrittenFiles = written.ToArray();
        return true;
    }

    private void CheckFrontMatter(string path, string fileName, HelpCommand command, Dictionary<string, string> frontMatter)
    {
        if (!string.Equals(fileName, command.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpSchemaException(path, 1, "The page is named '" + fileName + "' but documents '" + command.Name + "'.");
        }

        string helpFile;
        if (!frontMatter.TryGetValue("external help file", out helpFile) || !string.Equals(helpFile, HelpFileName, StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpSchemaException(path, 1, "The front matter must say 'external help file: " + HelpFileName + "'.");
        }

        string module;
        if (!string.IsNullOrEmpty(ModuleName)
            && (!frontMatter.TryGetValue("Module Name", out module) || !string.Equals(module, ModuleName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new HelpSchemaException(path, 1, "The front matter must say 'Module Name: " + ModuleName + "'.");
        }
    }
}

internal sealed class HelpSchemaException : Exception
{
    public HelpSchemaException(string file, int line, string message)
        : base(message)
    {
        File = file;
        Line = line;
    }

    public string File { get; private set; }

    public int Line { get; private set; }
}

// ---------------------------------------------------------------- markdown blocks

internal enum BlockKind
{
    Heading,
    Paragraph,
    ListItem,
    Code,
    Table,
}

internal sealed class Block
{
    public BlockKind Kind;
    public int Level;          // heading level
    public string Text;        // heading text, paragraph or list item text (lines joined), code body
    public string Info;        // code block info string (powershell, yaml, ...)
    public List<string> Lines; // table rows, verbatim
    public int Line;           // 1-based source line
    public int EndLine;        // last source line of the block

    public override string ToString()
    {
        return Kind + " " + Text;
    }
}

/// <summary>A line-based reader for the markdown platyPS writes: headings, paragraphs, lists, fenced code, pipe tables.</summary>
internal static class MarkdownReader
{
    private static readonly Regex Heading = new Regex(@"^(#{1,6})\s+(.*?)\s*#*\s*$");
    private static readonly Regex Fence = new Regex(@"^(\s*)(`{3,}|~{3,})\s*([^`\s]*)");
    private static readonly Regex ListStart = new Regex(@"^\s{0,3}([-*+]|\d+[.)])\s+(.*)$");

    public static List<Block> Read(string path, string content, out Dictionary<string, string> frontMatter)
    {
        string[] lines = content.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        frontMatter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var blocks = new List<Block>();
        int i = 0;

        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            i = 1;
            while (i < lines.Length && lines[i].Trim() != "---")
            {
                int colon = lines[i].IndexOf(':');
                if (colon > 0)
                {
                    frontMatter[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
                }

                i++;
            }

            if (i >= lines.Length)
            {
                throw new HelpSchemaException(path, 1, "The front matter that starts with '---' is never closed.");
            }

            i++;
        }

        Block paragraph = null;
        while (i < lines.Length)
        {
            string line = lines[i];
            int lineNumber = i + 1;
            Match fence = Fence.Match(line);
            if (fence.Success)
            {
                paragraph = null;
                string marker = fence.Groups[2].Value;
                int indent = fence.Groups[1].Value.Length;
                var body = new List<string>();
                i++;
                while (i < lines.Length && !(lines[i].TrimStart().StartsWith(marker, StringComparison.Ordinal) && lines[i].Trim().Trim(marker[0]).Length == 0))
                {
                    string codeLine = lines[i];
                    int strip = 0;
                    while (strip < indent && strip < codeLine.Length && codeLine[strip] == ' ')
                    {
                        strip++;
                    }

                    body.Add(codeLine.Substring(strip));
                    i++;
                }

                if (i >= lines.Length)
                {
                    throw new HelpSchemaException(path, lineNumber, "This code block is never closed.");
                }

                blocks.Add(new Block { Kind = BlockKind.Code, Info = fence.Groups[3].Value, Text = string.Join("\n", body), Line = lineNumber });
                i++;
                continue;
            }

            if (line.Trim().Length == 0)
            {
                paragraph = null;
                i++;
                continue;
            }

            Match heading = Heading.Match(line);
            if (heading.Success)
            {
                paragraph = null;
                blocks.Add(new Block { Kind = BlockKind.Heading, Level = heading.Groups[1].Value.Length, Text = heading.Groups[2].Value, Line = lineNumber });
                i++;
                continue;
            }

            if (line.TrimStart().StartsWith("|", StringComparison.Ordinal))
            {
                var rows = new List<string>();
                while (i < lines.Length && lines[i].TrimStart().StartsWith("|", StringComparison.Ordinal))
                {
                    rows.Add(lines[i].Trim());
                    i++;
                }

                paragraph = null;
                blocks.Add(new Block { Kind = BlockKind.Table, Lines = rows, Line = lineNumber });
                continue;
            }

            Match item = ListStart.Match(line);
            if (item.Success)
            {
                paragraph = new Block { Kind = BlockKind.ListItem, Info = item.Groups[1].Value, Text = item.Groups[2].Value.Trim(), Line = lineNumber, EndLine = lineNumber };
                blocks.Add(paragraph);
                i++;
                continue;
            }

            if (paragraph != null)
            {
                paragraph.Text += " " + line.Trim();
                paragraph.EndLine = lineNumber;
            }
            else
            {
                paragraph = new Block { Kind = BlockKind.Paragraph, Text = line.Trim(), Line = lineNumber, EndLine = lineNumber };
                blocks.Add(paragraph);
            }

            i++;
        }

        return blocks;
    }
}

/// <summary>Turns inline markdown into the plain text Get-Help shows: links and emphasis markers go, code spans stay.</summary>
internal static class Inline
{
    private static readonly Regex Link = new Regex(@"\[([^\]]+)\]\(([^)\s]*)\)");
    private static readonly Regex Strong = new Regex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1");
    private static readonly Regex Escape = new Regex(@"\\([\\`*_{}\[\]()#+\-.!<>|])");

    public static string ToText(string markdown)
    {
        // Code spans are kept verbatim (backticks included, as platyPS does); only the text between them is converted.
        var result = new StringBuilder();
        int i = 0;
        while (i < markdown.Length)
        {
            int tick = markdown.IndexOf('`', i);
            if (tick < 0)
            {
                result.Append(ConvertPlain(markdown.Substring(i)));
                break;
            }

            int run = 1;
            while (tick + run < markdown.Length && markdown[tick + run] == '`')
            {
                run++;
            }

            string fence = new string('`', run);
            int close = markdown.IndexOf(fence, tick + run, StringComparison.Ordinal);
            if (close < 0)
            {
                result.Append(ConvertPlain(markdown.Substring(i)));
                break;
            }

            result.Append(ConvertPlain(markdown.Substring(i, tick - i)));
            result.Append(markdown, tick, close + run - tick);
            i = close + run;
        }

        return result.ToString();
    }

    private static string ConvertPlain(string text)
    {
        text = Link.Replace(text, m =>
        {
            string uri = m.Groups[2].Value;
            Uri parsed;
            bool absolute = Uri.TryCreate(uri, UriKind.Absolute, out parsed) && (parsed.Scheme == "http" || parsed.Scheme == "https");
            return absolute ? m.Groups[1].Value + " (" + uri + ")" : m.Groups[1].Value;
        });
        text = Strong.Replace(text, "$2");
        return Escape.Replace(text, "$1");
    }
}

// ---------------------------------------------------------------- cmdlet pages

internal sealed class HelpCommand
{
    public string Name;
    public string OnlineVersion;
    public List<string> Synopsis = new List<string>();
    public List<string> Description = new List<string>();
    public List<SyntaxSet> Syntax = new List<SyntaxSet>();
    public List<HelpExample> Examples = new List<HelpExample>();
    public List<HelpParameter> Parameters = new List<HelpParameter>();
    public List<HelpType> Inputs = new List<HelpType>();
    public List<HelpType> Outputs = new List<HelpType>();
    public List<string> Notes = new List<string>();
    public List<KeyValuePair<string, string>> Links = new List<KeyValuePair<string, string>>();
}

internal sealed class SyntaxSet
{
    public string Name;            // null for a cmdlet with one, unnamed, parameter set
    public bool IsDefault;
    public List<string> Order = new List<string>(); // parameter names as the SYNTAX block writes them
    public int Line;
}

internal sealed class HelpExample
{
    public string Title;
    public List<string> Code = new List<string>();
    public List<string> Output = new List<string>(); // ```Output blocks: what the code prints, shown apart from it
    public List<string> Remarks = new List<string>();
}

internal sealed class HelpType
{
    public string Name;
    public List<string> Description = new List<string>();
}

internal sealed class HelpParameter
{
    public string Name;
    public List<string> Description = new List<string>();
    public List<ParameterMetadata> Metadata = new List<ParameterMetadata>();
    public int Line;
}

/// <summary>One ```yaml block of a parameter: its attributes in the parameter sets it names.</summary>
internal sealed class ParameterMetadata
{
    public string Type;
    public List<string> Sets = new List<string>();
    public List<string> Aliases = new List<string>();
    public List<string> AcceptedValues = new List<string>();
    public bool Required;
    public string Position = "named";
    public string DefaultValue = "None";
    public string PipelineInput = "False";
    public bool Globbing;

    public bool IsSwitch
    {
        get { return Type == "SwitchParameter" || Type == "System.Management.Automation.SwitchParameter"; }
    }

    public bool AppliesTo(string set)
    {
        return set == null || Sets.Any(s => s == "(All)" || string.Equals(s, set, StringComparison.OrdinalIgnoreCase));
    }
}

internal static class CommandPageParser
{
    private static readonly string[] Sections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };
    private static readonly string[] YamlKeys =
    {
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters",
    };

    private static readonly Regex SyntaxParameter = new Regex(@"(?<![\w-])-(\w+)");
    private static readonly Regex LinkLine = new Regex(@"^\[([^\]]+)\]\(([^)]*)\)$");

    public static HelpCommand Parse(string path, List<Block> blocks, Dictionary<string, string> frontMatter)
    {
        if (blocks.Count == 0 || blocks[0].Kind != BlockKind.Heading || blocks[0].Level != 1)
        {
            throw new HelpSchemaException(path, blocks.Count == 0 ? 1 : blocks[0].Line, "A cmdlet page starts with '# Cmdlet-Name'.");
        }

        var command = new HelpCommand { Name = blocks[0].Text.Trim() };
        string online;
        if (frontMatter.TryGetValue("online version", out online) && online.Length > 0)
        {
            command.OnlineVersion = online;
        }

        var seen = new List<string>();
        int i = 1;
        while (i < blocks.Count)
        {
            Block heading = blocks[i];
            if (heading.Kind != BlockKind.Heading || heading.Level != 2)
            {
                throw new HelpSchemaException(path, heading.Line, "Expected a '## SECTION' heading, found: " + Describe(heading));
            }

            string section = heading.Text.Trim().ToUpperInvariant();
            if (Array.IndexOf(Sections, section) < 0)
            {
                throw new HelpSchemaException(path, heading.Line, "Unknown section '" + heading.Text + "'. Sections: " + string.Join(", ", Sections) + ".");
            }

            if (seen.Contains(section))
            {
                throw new HelpSchemaException(path, heading.Line, "The section '" + section + "' appears twice.");
            }

            seen.Add(section);
            int end = i + 1;
            while (end < blocks.Count && !(blocks[end].Kind == BlockKind.Heading && blocks[end].Level <= 2))
            {
                end++;
            }

            List<Block> body = blocks.GetRange(i + 1, end - i - 1);
            switch (section)
            {
                case "SYNOPSIS":
                    command.Synopsis = Paragraphs(path, body, section);
                    break;
                case "DESCRIPTION":
                    command.Description = Paragraphs(path, body, section);
                    break;
                case "NOTES":
                    command.Notes = Paragraphs(path, body, section);
                    break;
                case "SYNTAX":
                    ParseSyntax(path, body, command);
                    break;
                case "EXAMPLES":
                    ParseExamples(path, body, command);
                    break;
                case "PARAMETERS":
                    ParseParameters(path, body, command);
                    break;
                case "INPUTS":
                    command.Inputs = ParseTypes(path, body, section);
                    break;
                case "OUTPUTS":
                    command.Outputs = ParseTypes(path, body, section);
                    break;
                case "RELATED LINKS":
                    ParseLinks(path, body, command);
                    break;
            }

            i = end;
        }

        foreach (string required in new[] { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS" })
        {
            if (!seen.Contains(required))
            {
                throw new HelpSchemaException(path, 1, "The page has no '## " + required + "' section.");
            }
        }

        if (command.Synopsis.Count == 0 || command.Description.Count == 0)
        {
            throw new HelpSchemaException(path, 1, "SYNOPSIS and DESCRIPTION must not be empty.");
        }

        CheckSyntaxAgainstParameters(path, command);
        return command;
    }

    private static string Describe(Block block)
    {
        return block.Kind == BlockKind.Heading ? new string('#', block.Level) + " " + block.Text : block.Kind.ToString().ToLowerInvariant();
    }

    /// <summary>Paragraphs and list items as Get-Help paragraphs; a list item keeps its bullet.</summary>
    private static List<string> Paragraphs(string path, List<Block> body, string where)
    {
        var result = new List<string>();
        Block previous = null;
        foreach (Block block in body)
        {
            AddParagraph(path, result, ref previous, block, where);
        }

        return result;
    }

    private static void AddParagraph(string path, List<string> target, ref Block previous, Block block, string where)
    {
        switch (block.Kind)
        {
            case BlockKind.Paragraph:
                target.Add(Inline.ToText(block.Text));
                break;
            case BlockKind.ListItem:
                // The items of one list form one paragraph, a line each, so Get-Help shows them without gaps.
                string item = (char.IsDigit(block.Info[0]) ? block.Info : "-") + " " + Inline.ToText(block.Text);
                if (previous != null && previous.Kind == BlockKind.ListItem && block.Line == previous.EndLine + 1 && target.Count > 0)
                {
                    target[target.Count - 1] += "\n" + item;
                }
                else
                {
                    target.Add(item);
                }

                break;
            default:
                throw new HelpSchemaException(path, block.Line, where + " may hold only paragraphs and lists, found: " + Describe(block));
        }

        previous = block;
    }

    private static void ParseSyntax(string path, List<Block> body, HelpCommand command)
    {
        int i = 0;
        while (i < body.Count)
        {
            var set = new SyntaxSet { Line = body[i].Line };
            if (body[i].Kind == BlockKind.Heading && body[i].Level == 3)
            {
                string name = body[i].Text.Trim();
                if (name.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase))
                {
                    set.IsDefault = true;
                    name = name.Substring(0, name.Length - "(Default)".Length).Trim();
                }

                set.Name = name;
                i++;
            }

            if (i >= body.Count || body[i].Kind != BlockKind.Code)
            {
                throw new HelpSchemaException(path, i < body.Count ? body[i].Line : set.Line, "Each parameter set in SYNTAX is a '### SetName' heading and one code block.");
            }

            foreach (Match m in SyntaxParameter.Matches(body[i].Text))
            {
                if (!set.Order.Contains(m.Groups[1].Value, StringComparer.OrdinalIgnoreCase))
                {
                    set.Order.Add(m.Groups[1].Value);
                }
            }

            if (!body[i].Text.TrimStart().StartsWith(command.Name + " ", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(body[i].Text.Trim(), command.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new HelpSchemaException(path, body[i].Line, "A syntax block starts with the cmdlet name, " + command.Name + ".");
            }

            command.Syntax.Add(set);
            i++;
        }

        if (command.Syntax.Count == 0)
        {
            throw new HelpSchemaException(path, 1, "SYNTAX has no code block.");
        }

        if (command.Syntax.Count > 1 && command.Syntax.Any(s => s.Name == null))
        {
            throw new HelpSchemaException(path, command.Syntax.First(s => s.Name == null).Line, "With several parameter sets, each needs a '### SetName' heading.");
        }

        if (command.Syntax.Count > 1 && command.Syntax.Count(s => s.IsDefault) != 1)
        {
            throw new HelpSchemaException(path, command.Syntax[0].Line, "With several parameter sets, exactly one is marked '(Default)'.");
        }
    }

    private static void ParseExamples(string path, List<Block> body, HelpCommand command)
    {
        HelpExample example = null;
        Block previous = null;
        foreach (Block block in body)
        {
            if (block.Kind == BlockKind.Heading && block.Level == 3)
            {
                example = new HelpExample { Title = block.Text.Trim() };
                command.Examples.Add(example);
                previous = null;
                continue;
            }

            if (example == null)
            {
                throw new HelpSchemaException(path, block.Line, "Each example starts with a '### Example N: title' heading.");
            }

            switch (block.Kind)
            {
                case BlockKind.Code:
                    if (example.Remarks.Count > 0)
                    {
                        throw new HelpSchemaException(path, block.Line, "An example's code comes before its explanation.");
                    }

                    if (string.Equals(block.Info, "Output", StringComparison.OrdinalIgnoreCase))
                    {
                        example.Output.Add(block.Text);
                    }
                    else
                    {
                        example.Code.Add(block.Text);
                    }

                    break;
                case BlockKind.Paragraph:
                case BlockKind.ListItem:
                    AddParagraph(path, example.Remarks, ref previous, block, "An example's explanation");
                    break;
                default:
                    throw new HelpSchemaException(path, block.Line, "Unexpected " + Describe(block) + " in EXAMPLES.");
            }
        }

        foreach (HelpExample e in command.Examples)
        {
            if (e.Code.Count == 0)
            {
                throw new HelpSchemaException(path, 1, "The example '" + e.Title + "' has no code block.");
            }
        }
    }

    private static void ParseParameters(string path, List<Block> body, HelpCommand command)
    {
        HelpParameter parameter = null;
        bool inCommon = false;
        Block previous = null;
        foreach (Block block in body)
        {
            if (block.Kind == BlockKind.Heading && block.Level == 3)
            {
                previous = null;
                string name = block.Text.Trim();
                inCommon = string.Equals(name, "CommonParameters", StringComparison.OrdinalIgnoreCase);
                if (inCommon)
                {
                    parameter = null;
                    continue;
                }

                if (!name.StartsWith("-", StringComparison.Ordinal))
                {
                    throw new HelpSchemaException(path, block.Line, "A parameter heading is '### -Name'.");
                }

                parameter = new HelpParameter { Name = name.Substring(1), Line = block.Line };
                if (command.Parameters.Any(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new HelpSchemaException(path, block.Line, "The parameter -" + parameter.Name + " is documented twice.");
                }

                command.Parameters.Add(parameter);
                continue;
            }

            if (inCommon)
            {
                continue;
            }

            if (parameter == null)
            {
                throw new HelpSchemaException(path, block.Line, "Parameter text must follow a '### -Name' heading.");
            }

            if (block.Kind == BlockKind.Code)
            {
                parameter.Metadata.Add(ParseYaml(path, block));
            }
            else if (parameter.Metadata.Count > 0)
            {
                throw new HelpSchemaException(path, block.Line, "A parameter's description comes before its yaml block.");
            }
            else
            {
                AddParagraph(path, parameter.Description, ref previous, block, "A parameter description");
            }
        }

        foreach (HelpParameter p in command.Parameters)
        {
            if (p.Metadata.Count == 0)
            {
                throw new HelpSchemaException(path, p.Line, "The parameter -" + p.Name + " has no ```yaml block.");
            }

            if (p.Description.Count == 0)
            {
                throw new HelpSchemaException(path, p.Line, "The parameter -" + p.Name + " has no description.");
            }
        }
    }

    private static ParameterMetadata ParseYaml(string path, Block block)
    {
        if (!string.Equals(block.Info, "yaml", StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpSchemaException(path, block.Line, "A parameter's metadata is a ```yaml block.");
        }

        var metadata = new ParameterMetadata();
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string[] lines = block.Text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            int colon = line.IndexOf(':');
            string key = colon > 0 ? line.Substring(0, colon).Trim() : string.Empty;
            string known = YamlKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (known == null)
            {
                throw new HelpSchemaException(path, block.Line + 1 + n, "Unknown parameter metadata '" + line.Trim() + "'. Keys: " + string.Join(", ", YamlKeys) + ".");
            }

            found.Add(known);
            string value = line.Substring(colon + 1).Trim();
            switch (known)
            {
                case "Type":
                    metadata.Type = value;
                    break;
                case "Parameter Sets":
                    metadata.Sets = SplitList(value);
                    break;
                case "Aliases":
                    metadata.Aliases = SplitList(value);
                    break;
                case "Accepted values":
                    metadata.AcceptedValues = SplitList(value);
                    break;
                case "Required":
                    metadata.Required = ParseBool(path, block.Line + 1 + n, value);
                    break;
                case "Position":
                    metadata.Position = string.Equals(value, "Named", StringComparison.OrdinalIgnoreCase) ? "named" : value;
                    break;
                case "Default value":
                    metadata.DefaultValue = value.Length == 0 ? "None" : value;
                    break;
                case "Accept pipeline input":
                    metadata.PipelineInput = value.Length == 0 ? "False" : value;
                    break;
                case "Accept wildcard characters":
                    metadata.Globbing = ParseBool(path, block.Line + 1 + n, value);
                    break;
            }
        }

        foreach (string key in new[] { "Type", "Parameter Sets", "Required", "Position" })
        {
            if (!found.Contains(key))
            {
                throw new HelpSchemaException(path, block.Line, "The yaml block has no '" + key + ":' line.");
            }
        }

        int position;
        if (metadata.Position != "named" && !int.TryParse(metadata.Position, NumberStyles.None, CultureInfo.InvariantCulture, out position))
        {
            throw new HelpSchemaException(path, block.Line, "Position is a number or Named, not '" + metadata.Position + "'.");
        }

        return metadata;
    }

    private static bool ParseBool(string path, int line, string value)
    {
        if (string.Equals(value, "True", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(value, "False", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new HelpSchemaException(path, line, "Expected True or False, not '" + value + "'.");
    }

    private static List<string> SplitList(string value)
    {
        return value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0 && !string.Equals(v, "None", StringComparison.OrdinalIgnoreCase)).ToList();
    }

    private static List<HelpType> ParseTypes(string path, List<Block> body, string section)
    {
        var types = new List<HelpType>();
        HelpType current = null;
        Block previous = null;
        foreach (Block block in body)
        {
            if (block.Kind == BlockKind.Heading && block.Level == 3)
            {
                current = new HelpType { Name = block.Text.Trim() };
                types.Add(current);
                previous = null;
            }
            else if (current == null)
            {
                throw new HelpSchemaException(path, block.Line, section + " lists types as '### TypeName' headings, each with a description.");
            }
            else
            {
                AddParagraph(path, current.Description, ref previous, block, section);
            }
        }

        return types;
    }

    private static void ParseLinks(string path, List<Block> body, HelpCommand command)
    {
        if (command.OnlineVersion != null)
        {
            command.Links.Add(new KeyValuePair<string, string>("Online Version:", command.OnlineVersion));
        }

        foreach (Block block in body)
        {
            if (block.Kind != BlockKind.Paragraph && block.Kind != BlockKind.ListItem)
            {
                throw new HelpSchemaException(path, block.Line, "RELATED LINKS holds one [text](uri) link per paragraph.");
            }

            Match link = LinkLine.Match(block.Text.Trim());
            if (!link.Success)
            {
                throw new HelpSchemaException(path, block.Line, "RELATED LINKS holds one [text](uri) link per paragraph, found: " + block.Text);
            }

            // As platyPS does: Get-Help wants a real URI or none, so a relative link (another page) keeps only its text.
            Uri uri;
            string target = Uri.TryCreate(link.Groups[2].Value, UriKind.Absolute, out uri) ? link.Groups[2].Value : string.Empty;
            command.Links.Add(new KeyValuePair<string, string>(link.Groups[1].Value, target));
        }
    }

    /// <summary>The SYNTAX blocks and the PARAMETERS yaml must describe the same parameter sets.</summary>
    private static void CheckSyntaxAgainstParameters(string path, HelpCommand command)
    {
        var setNames = command.Syntax.Where(s => s.Name != null).Select(s => s.Name).ToList();
        foreach (HelpParameter parameter in command.Parameters)
        {
            foreach (ParameterMetadata metadata in parameter.Metadata)
            {
                foreach (string set in metadata.Sets)
                {
                    if (set != "(All)" && !setNames.Contains(set, StringComparer.OrdinalIgnoreCase))
                    {
                        throw new HelpSchemaException(path, parameter.Line, "-" + parameter.Name + " names the parameter set '" + set + "', which SYNTAX does not show.");
                    }
                }
            }
        }

        foreach (SyntaxSet set in command.Syntax)
        {
            var inSet = command.Parameters.Where(p => p.Metadata.Any(m => m.AppliesTo(set.Name))).Select(p => p.Name).ToList();
            var missing = inSet.Where(n => !set.Order.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            var extra = set.Order.Where(n => !inSet.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                throw new HelpSchemaException(
                    path,
                    set.Line,
                    "The syntax of " + (set.Name ?? "the cmdlet") + " does not match PARAMETERS."
                    + (missing.Count > 0 ? " Not in the syntax: -" + string.Join(", -", missing) + "." : string.Empty)
                    + (extra.Count > 0 ? " Not documented for this set: -" + string.Join(", -", extra) + "." : string.Empty));
            }
        }
    }
}

// ---------------------------------------------------------------- MAML

internal static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string MSHelp = "http://msdn.microsoft.com/mshelp";

    public static string Render(IEnumerable<HelpCommand> commands)
    {
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            Encoding = new UTF8Encoding(false),
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };

        var buffer = new StringWriterUtf8();
        using (XmlWriter w = XmlWriter.Create(buffer, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("helpItems", Msh);
            w.WriteAttributeString("schema", "maml");
            foreach (HelpCommand command in commands)
            {
                WriteCommand(w, command);
            }

            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return buffer.ToString() + "\n";
    }

    private static void WriteCommand(XmlWriter w, HelpCommand c)
    {
        int dash = c.Name.IndexOf('-');
        string verb = dash > 0 ? c.Name.Substring(0, dash) : c.Name;
        string noun = dash > 0 ? c.Name.Substring(dash + 1) : string.Empty;

        w.WriteStartElement("command", "command", Command);
        w.WriteAttributeString("xmlns", "maml", null, Maml);
        w.WriteAttributeString("xmlns", "command", null, Command);
        w.WriteAttributeString("xmlns", "dev", null, Dev);
        w.WriteAttributeString("xmlns", "MSHelp", null, MSHelp);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, c.Name);
        w.WriteElementString("command", "verb", Command, verb);
        w.WriteElementString("command", "noun", Command, noun);
        Paras(w, "description", c.Synopsis);
        w.WriteEndElement();

        Paras(w, "description", c.Description);

        w.WriteStartElement("command", "syntax", Command);
        foreach (SyntaxSet set in c.Syntax)
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, c.Name);
            foreach (KeyValuePair<HelpParameter, ParameterMetadata> entry in SyntaxOrder(c, set))
            {
                WriteParameter(w, entry.Key, entry.Value, true);
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (HelpParameter parameter in c.Parameters)
        {
            WriteParameter(w, parameter, parameter.Metadata[0], false);
        }

        w.WriteEndElement();

        WriteTypes(w, "inputTypes", "inputType", c.Inputs);
        WriteTypes(w, "returnValues", "returnValue", c.Outputs);

        // Get-Help prints an alertSet's title and then a blank line before its paragraphs; with an empty title
        // NOTES would start with two empty lines, so the first paragraph is the title.
        w.WriteStartElement("maml", "alertSet", Maml);
        if (c.Notes.Count > 0)
        {
            w.WriteElementString("maml", "title", Maml, c.Notes[0]);
        }

        Paras(w, "alert", c.Notes.Skip(1).ToList());
        w.WriteEndElement();

        w.WriteStartElement("command", "examples", Command);
        foreach (HelpExample example in c.Examples)
        {
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, PadTitle(example.Title));
            // Only the code goes in dev:code, so a copy of it runs; what it prints opens the remarks, and an empty
            // last paragraph leaves a blank line before the next example.
            w.WriteElementString("dev", "code", Dev, string.Join("\n\n", example.Code));
            w.WriteStartElement("dev", "remarks", Dev);
            foreach (string para in example.Output.Concat(example.Remarks).Concat(new[] { string.Empty }))
            {
                w.WriteElementString("maml", "para", Maml, para);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        foreach (KeyValuePair<string, string> link in c.Links)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            w.WriteElementString("maml", "linkText", Maml, link.Key);
            w.WriteElementString("maml", "uri", Maml, link.Value);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>
    /// The parameters of one set in the order the page's SYNTAX block writes them (the order Get-Command -Syntax
    /// shows: positional first), each with the yaml block that covers that set.
    /// </summary>
    private static IEnumerable<KeyValuePair<HelpParameter, ParameterMetadata>> SyntaxOrder(HelpCommand c, SyntaxSet set)
    {
        foreach (string name in set.Order)
        {
            HelpParameter parameter = c.Parameters.First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            yield return new KeyValuePair<HelpParameter, ParameterMetadata>(parameter, parameter.Metadata.First(m => m.AppliesTo(set.Name)));
        }
    }

    private static void WriteParameter(XmlWriter w, HelpParameter parameter, ParameterMetadata m, bool inSyntax)
    {
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", m.Required ? "true" : "false");
        w.WriteAttributeString("variableLength", "true");
        w.WriteAttributeString("globbing", m.Globbing ? "true" : "false");
        w.WriteAttributeString("pipelineInput", m.PipelineInput);
        w.WriteAttributeString("position", m.Position);
        w.WriteAttributeString("aliases", m.Aliases.Count > 0 ? string.Join(", ", m.Aliases) : "none");
        w.WriteElementString("maml", "name", Maml, parameter.Name);
        Paras(w, "description", parameter.Description);

        if (inSyntax && m.AcceptedValues.Count > 0)
        {
            w.WriteStartElement("command", "parameterValueGroup", Command);
            foreach (string value in m.AcceptedValues)
            {
                w.WriteStartElement("command", "parameterValue", Command);
                w.WriteAttributeString("required", "false");
                w.WriteAttributeString("command", "variableLength", Command, "false");
                w.WriteString(value);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        // In syntax a switch shows no value, as platyPS renders it.
        if (!inSyntax || !m.IsSwitch)
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", m.IsSwitch ? "false" : "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(m.Type);
            w.WriteEndElement();
        }

        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, m.Type);
        w.WriteStartElement("maml", "uri", Maml);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", Dev, m.DefaultValue);
        w.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter w, string listName, string itemName, List<HelpType> types)
    {
        w.WriteStartElement("command", listName, Command);
        foreach (HelpType type in types)
        {
            w.WriteStartElement("command", itemName, Command);
            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, type.Name);
            w.WriteEndElement();
            Paras(w, "description", type.Description);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static void Paras(XmlWriter w, string element, List<string> paragraphs)
    {
        w.WriteStartElement("maml", element, Maml);
        foreach (string para in paragraphs)
        {
            w.WriteElementString("maml", "para", Maml, para);
        }

        w.WriteEndElement();
    }

    /// <summary>platyPS pads example titles with dashes to 64 columns, as Get-Help has always shown them.</summary>
    private static string PadTitle(string title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length >= 62)
        {
            return title;
        }

        string pad = new string('-', (64 - title.Length - 2) / 2);
        return pad + " " + title + " " + pad;
    }

    private sealed class StringWriterUtf8 : StringWriter
    {
        public StringWriterUtf8()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding
        {
            get { return Encoding.UTF8; }
        }
    }
}

// ---------------------------------------------------------------- about topics

/// <summary>
/// Renders an about topic as Get-Help shows it: the first heading becomes TOPIC, the second (the help file
/// name) is indented under it, '#' headings are upper-case section titles, text is wrapped at 80 columns
/// under a four-space indent, code keeps that indent and is never wrapped (its lines are kept short in the
/// markdown), tables become aligned columns whose last column wraps.
/// </summary>
internal static class AboutRenderer
{
    private const int Width = 80;
    private const string Indent = "    ";

    public static string Render(string path, List<Block> blocks)
    {
        if (blocks.Count < 2 || blocks[0].Kind != BlockKind.Heading || blocks[0].Level != 1 || blocks[1].Kind != BlockKind.Heading || blocks[1].Level != 2)
        {
            throw new HelpSchemaException(path, 1, "An about topic starts with '# Topic Name' and then '## about_Name'.");
        }

        string fileName = Path.GetFileNameWithoutExtension(path);
        if (!string.Equals(blocks[1].Text.Trim(), fileName, StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpSchemaException(path, blocks[1].Line, "The second heading must be the topic's file name, " + fileName + ".");
        }

        var sb = new StringBuilder();
        sb.Append("TOPIC\n").Append(Indent).Append(blocks[1].Text.Trim()).Append("\n\n");
        for (int i = 2; i < blocks.Count; i++)
        {
            Block block = blocks[i];
            switch (block.Kind)
            {
                case BlockKind.Heading:
                    string text = Inline.ToText(block.Text.Trim());
                    if (block.Level == 1)
                    {
                        sb.Append(text.ToUpperInvariant()).Append('\n');
                    }
                    else if (block.Level == 2)
                    {
                        sb.Append(Indent).Append(text).Append('\n');
                        sb.Append(Indent).Append(new string('-', text.Length)).Append('\n');
                    }
                    else
                    {
                        sb.Append(Indent).Append(text.ToUpperInvariant()).Append('\n');
                    }

                    break;
                case BlockKind.Paragraph:
                    Wrap(sb, Inline.ToText(block.Text), Indent, Indent);
                    sb.Append('\n');
                    break;
                case BlockKind.ListItem:
                    string bullet = char.IsDigit(block.Info[0]) ? block.Info : "-";
                    Wrap(sb, Inline.ToText(block.Text), Indent + bullet + " ", Indent + new string(' ', bullet.Length + 1));
                    bool nextIsItem = i + 1 < blocks.Count && blocks[i + 1].Kind == BlockKind.ListItem && blocks[i + 1].Line == block.EndLine + 1;
                    if (!nextIsItem)
                    {
                        sb.Append('\n');
                    }

                    break;
                case BlockKind.Code:
                    foreach (string line in block.Text.Split('\n'))
                    {
                        sb.Append(line.Length == 0 ? string.Empty : Indent + line).Append('\n');
                    }

                    sb.Append('\n');
                    break;
                case BlockKind.Table:
                    RenderTable(sb, block.Lines);
                    sb.Append('\n');
                    break;
            }
        }

        return sb.ToString().TrimEnd('\n') + "\n";
    }

    private static void Wrap(StringBuilder sb, string text, string firstIndent, string indent)
    {
        string prefix = firstIndent;
        var line = new StringBuilder();
        foreach (string word in text.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && prefix.Length + line.Length + 1 + word.Length > Width)
            {
                sb.Append(prefix).Append(line).Append('\n');
                line.Clear();
                prefix = indent;
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            sb.Append(prefix).Append(line).Append('\n');
        }
    }

    private static void RenderTable(StringBuilder sb, List<string> rows)
    {
        var cells = new List<string[]>();
        foreach (string row in rows)
        {
            string trimmed = row.Trim().Trim('|');
            string[] parts = trimmed.Split('|').Select(p => Inline.ToText(p.Trim())).ToArray();
            bool separator = parts.All(p => p.Length > 0 && p.Trim(':', '-').Length == 0);
            cells.Add(separator ? null : parts);
        }

        int columns = cells.Where(r => r != null).Max(r => r.Length);
        var widths = new int[columns];
        foreach (string[] row in cells.Where(r => r != null))
        {
            for (int c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        // The last column takes what is left of the 80 columns (at least 20) and wraps under itself.
        int lead = Indent.Length + widths.Take(columns - 1).Sum(w => w + 2);
        int last = Math.Max(20, Width - lead);
        widths[columns - 1] = Math.Min(widths[columns - 1], last);
        foreach (string[] row in cells)
        {
            string lastCell = row == null ? new string('-', widths[columns - 1]) : (columns - 1 < row.Length ? row[columns - 1] : string.Empty);
            List<string> pieces = WrapCell(lastCell, last);
            for (int piece = 0; piece < pieces.Count; piece++)
            {
                var line = new StringBuilder(Indent);
                for (int c = 0; c < columns - 1; c++)
                {
                    string cell = piece > 0 ? string.Empty : row == null ? new string('-', widths[c]) : (c < row.Length ? row[c] : string.Empty);
                    line.Append(cell.PadRight(widths[c] + 2));
                }

                line.Append(pieces[piece]);
                sb.Append(line.ToString().TrimEnd()).Append('\n');
            }
        }
    }

    /// <summary>Splits a table cell into lines of at most <paramref name="width"/> characters, at spaces where it can.</summary>
    private static List<string> WrapCell(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }
}

