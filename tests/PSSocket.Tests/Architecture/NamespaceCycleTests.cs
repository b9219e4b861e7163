using System.IO;
using System.Linq;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Architecture
{
    public class NamespaceCycleTests
    {
        [Fact]
        public void TheModulesNamespacesDependOnEachOtherOnlyOneWay()
        {
            string source = Path.Combine(PowerShellHarness.RepoRoot, "src", "PSSocket");
            var graph = new NamespaceGraph(Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar))
                .Select(File.ReadAllText));

            Assert.Contains("PSSocket.Sessions", graph.Edges.Keys);
            Assert.Contains("PSSocket.Transports", graph.Edges["PSSocket.Sessions"]);
            string[] cycles = graph.Cycles().Select(c => string.Join(" <-> ", c)).ToArray();
            Assert.True(cycles.Length == 0, "Namespaces that depend on each other: " + string.Join("; ", cycles));
        }

        [Fact]
        public void TheGraphFindsACycleThroughUsingsAndQualifiedNames()
        {
            var graph = new NamespaceGraph(new[]
            {
                "using PSSocket.B;\nnamespace PSSocket.A\n{\n    class X { }\n}\n",
                "namespace PSSocket.B\n{\n    class Y { PSSocket.C.Z z; }\n}\n",
                "using System;\n// using PSSocket.D;\nnamespace PSSocket.C\n{\n    class Z { string s = \"PSSocket.D.W\"; object a = typeof(A.X); }\n}\n",
                "namespace PSSocket.D\n{\n    class W { }\n}\n",
            });

            Assert.Equal(new[] { "PSSocket.A", "PSSocket.B", "PSSocket.C" }, Assert.Single(graph.Cycles()));
            Assert.Empty(graph.Edges["PSSocket.D"]);
            Assert.DoesNotContain("PSSocket.D", graph.Edges["PSSocket.C"]);
        }
    }
}
