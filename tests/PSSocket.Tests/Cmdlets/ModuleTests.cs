using System.Collections;
using System.Linq;
using System.Management.Automation;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    public class ModuleTests : CmdletTestBase
    {
        [Fact]
        public void TheStagedManifestPassesTestModuleManifest()
        {
            ScriptResult result = PS.Run($"Test-ModuleManifest '{PowerShellHarness.ManifestPath}'").ThrowOnError();
            var module = (PSModuleInfo)result.Output.Single().BaseObject;
            Assert.Equal("PSSocket", module.Name);
            Assert.Equal("PSSocket.dll", module.RootModule);
            Assert.Equal(new[] { "Core", "Desktop" }, module.CompatiblePSEditions.OrderBy(e => e));
            Assert.Equal("5.1", module.PowerShellVersion.ToString());
            Assert.Empty(module.ExportedFunctions);
            Assert.Empty(module.ExportedAliases);
            Assert.Empty(module.ExportedVariables);
        }

        [Fact]
        public void TheModuleExportsExactlyTheCmdletsOfTheManifest()
        {
            string manifest = System.IO.File.ReadAllText(PowerShellHarness.ManifestPath);
            var ast = System.Management.Automation.Language.Parser.ParseInput(manifest, out _, out _);
            var table = (Hashtable)ast.EndBlock.Statements[0].Find(a => a is System.Management.Automation.Language.HashtableAst, false)!.SafeGetValue();
            string[] declared = ((object[])table["CmdletsToExport"]!).Cast<string>().OrderBy(n => n).ToArray();
            string[] exported = PS.Run("Get-Command -Module PSSocket | ForEach-Object Name").All<string>().OrderBy(n => n).ToArray();
            Assert.Equal(declared, exported);
            Assert.Equal(14, exported.Length);
        }

        [Fact]
        public void TheAssemblyVersionIsTheManifestVersion()
        {
            ScriptResult result = PS.Run("(Get-Module PSSocket).Version.ToString(); [PSSocket.Sessions.SocketSession].Assembly.GetName().Version.ToString(3)").ThrowOnError();
            Assert.Equal(result.Output[0].BaseObject, result.Output[1].BaseObject);
        }

        [Fact]
        public void EveryCmdletDeclaresItsOutputType()
        {
            ScriptResult result = PS.Run("Get-Command -Module PSSocket | Where-Object { $_.OutputType.Count -eq 0 } | ForEach-Object Name").ThrowOnError();
            Assert.Empty(result.Output);
        }
    }
}
