using System;
using System.Linq;
using System.Xml.Linq;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>The format file: it loads, each view serves live and deserialized objects (rendering at 80 columns is tested in real pwsh: tests/Pester/Surface.Tests.ps1).</summary>
    public class FormatViewTests : CmdletTestBase
    {
        private static readonly string FormatPath = System.IO.Path.Combine(PowerShellHarness.StagedModuleDirectory, "PSSocket.Format.ps1xml");

        [Fact]
        public void TheFormatFileLoads()
        {
            _ = new System.Management.Automation.Runspaces.FormatTable(new[] { FormatPath });
        }

        [Fact]
        public void EveryViewServesTheTypeAndItsDeserializedCopy()
        {
            foreach (XElement view in XDocument.Load(FormatPath).Descendants("View"))
            {
                string[] names = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value).ToArray();
                Assert.Equal(2, names.Length);
                Assert.Equal("Deserialized." + names[0], names[1]);
                Type? type = typeof(PSSocket.Sessions.SocketSession).Assembly.GetType(names[0]);
                Assert.NotNull(type);
                Assert.All(view.Descendants("PropertyName").Select(p => p.Value), p => Assert.NotNull(type!.GetProperty(p)));
            }
        }
    }
}
