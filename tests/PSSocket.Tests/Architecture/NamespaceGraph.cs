using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace PSSocket.Tests.Architecture
{
    /// <summary>
    /// The dependency graph of the module's namespaces, read from source text: a file's <c>namespace</c> line names
    /// its node; each <c>using PSSocket.*</c> line (plain, static or alias) and each fully qualified PSSocket.* name
    /// in its code is an edge to the longest known namespace it names, and so is a name qualified relative to
    /// PSSocket (Sessions.SocketDatagram inside namespace PSSocket.Text), which C# resolves the same way.
    /// </summary>
    internal sealed class NamespaceGraph
    {
        private static readonly Regex NamespaceLine = new Regex(@"^\s*namespace\s+(PSSocket(?:\.\w+)*)\s*[;{]?\s*$", RegexOptions.Multiline);
        private static readonly Regex UsingLine = new Regex(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?(PSSocket(?:\.\w+)*)\s*;", RegexOptions.Multiline);
        private static readonly Regex QualifiedName = new Regex(@"(?<![\w.])PSSocket(?:\.\w+)+");
        private static readonly Regex RelativeName = new Regex(@"(?<![\w.])[A-Z]\w*(?:\.\w+)+");
        private static readonly Regex Comment = new Regex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline);
        private static readonly Regex StringLiteral = new Regex("@?\\$?\"(?:[^\"\\\\\\n]|\\\\.)*\"");

        private readonly Dictionary<string, HashSet<string>> _edges = new Dictionary<string, HashSet<string>>();

        /// <param name="sources">Each source file's text.</param>
        public NamespaceGraph(IEnumerable<string> sources)
        {
            var files = sources.Select(text => (Text: text, Namespace: NamespaceLine.Match(text) is { Success: true } m ? m.Groups[1].Value : null))
                .Where(f => f.Namespace != null)
                .ToList();
            var known = new HashSet<string>(files.Select(f => f.Namespace!));
            foreach (string name in known)
            {
                _edges[name] = new HashSet<string>();
            }

            foreach ((string text, string? from) in files)
            {
                string code = StringLiteral.Replace(Comment.Replace(text, string.Empty), "\"\"");
                IEnumerable<string> named = UsingLine.Matches(code).Select(m => m.Groups[1].Value)
                    .Concat(QualifiedName.Matches(NamespaceLine.Replace(UsingLine.Replace(code, string.Empty), string.Empty)).Select(m => m.Value))
                    .Concat(RelativeName.Matches(UsingLine.Replace(code, string.Empty)).Select(m => "PSSocket." + m.Value)
                        .Where(name => LongestKnownPrefix(name, known) is { } target && target != "PSSocket"));
                foreach (string name in named)
                {
                    string? target = LongestKnownPrefix(name, known);
                    if (target != null && target != from)
                    {
                        _edges[from!].Add(target);
                    }
                }
            }
        }

        public IReadOnlyDictionary<string, HashSet<string>> Edges => _edges;

        /// <summary>Every set of namespaces that depend on each other (strongly connected, more than one), each sorted.</summary>
        public IReadOnlyList<string[]> Cycles()
        {
            var cycles = new List<string[]>();
            var index = new Dictionary<string, int>();
            var low = new Dictionary<string, int>();
            var stack = new Stack<string>();
            var onStack = new HashSet<string>();
            int next = 0;

            void Visit(string node)
            {
                index[node] = low[node] = next++;
                stack.Push(node);
                onStack.Add(node);
                foreach (string target in _edges[node])
                {
                    if (!index.ContainsKey(target))
                    {
                        Visit(target);
                        low[node] = System.Math.Min(low[node], low[target]);
                    }
                    else if (onStack.Contains(target))
                    {
                        low[node] = System.Math.Min(low[node], index[target]);
                    }
                }

                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);

                    if (component.Count > 1)
                    {
                        cycles.Add(component.OrderBy(n => n, System.StringComparer.Ordinal).ToArray());
                    }
                }
            }

            foreach (string node in _edges.Keys.OrderBy(n => n, System.StringComparer.Ordinal))
            {
                if (!index.ContainsKey(node))
                {
                    Visit(node);
                }
            }

            return cycles;
        }

        private static string? LongestKnownPrefix(string name, HashSet<string> known)
        {
            for (string? candidate = name; candidate != null; candidate = candidate.Contains('.') ? candidate.Substring(0, candidate.LastIndexOf('.')) : null)
            {
                if (known.Contains(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
