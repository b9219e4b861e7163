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
            XElement[] views = XDocument.Load(FormatPath).Descendants("View").ToArray();
            string[] served = views.SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value)).ToArray();
            foreach (XElement view in views)
            {
                foreach (string name in view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value))
                {
                    bool deserialized = name.StartsWith("Deserialized.", StringComparison.Ordinal);
                    string live = deserialized ? name.Substring("Deserialized.".Length) : name;
                    Assert.Contains(deserialized ? live : "Deserialized." + live, served);
                    Type? type = typeof(PSSocket.Sessions.SocketSession).Assembly.GetType(live);
                    Assert.NotNull(type);

                    Assert.All(view.Descendants("PropertyName").Select(p => p.Value), p => Assert.NotNull(type!.GetProperty(p)));
                }
            }
        }
    }
}
