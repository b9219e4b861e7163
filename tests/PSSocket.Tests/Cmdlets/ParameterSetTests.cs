using System;
using System.Linq;
using System.Management.Automation;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>The parameter sets: no two print the same syntax line, and none exists only for one switch.</summary>
    public class ParameterSetTests : CmdletTestBase
    {
        private CommandInfo[] Commands => PS.Run("Get-Command -Module PSSocket").All<CommandInfo>().ToArray();

        [Fact]
        public void NoTwoParameterSetsShowTheSameSyntax()
        {
            foreach (CommandInfo command in Commands)
            {
                string[] lines = command.ParameterSets.Select(s => s.ToString()).ToArray();
                Assert.True(lines.Distinct().Count() == lines.Length, $"{command.Name} shows a syntax line twice:\n{string.Join("\n", lines)}");
            }
        }

        [Fact]
        public void NoParameterSetDiffersFromAnotherByOneSwitchAlone()
        {
            foreach (CommandInfo command in Commands)
            {
                foreach (CommandParameterSetInfo set in command.ParameterSets)
                {
                    foreach (CommandParameterSetInfo other in command.ParameterSets.Where(o => o != set))
                    {
                        var names = set.Parameters.Select(p => p.Name).ToList();
                        var extra = names.Except(other.Parameters.Select(p => p.Name)).ToList();
                        bool subset = other.Parameters.All(p => names.Contains(p.Name));
                        Assert.False(
                            subset && extra.Count == 1 && set.Parameters.Single(p => p.Name == extra[0]).ParameterType == typeof(SwitchParameter),
                            $"{command.Name}: the set {set.Name} is the set {other.Name} plus the switch -{extra.FirstOrDefault()}.");
                    }
                }
            }
        }

        [Theory]
        [InlineData("$null = Receive-SocketData -Session $s -OutFile $f -Timeout 15000")]
        [InlineData("$null = Test-SocketPort 127.0.0.1 1 -Quiet")]
        [InlineData("$null = Start-SocketListener -Echo")]
        [InlineData("$null = Start-SocketListener -Broadcast -QuitWord bye")]
        public void TheShortFormsResolveAParameterSet(string script)
        {
            PS.Run("$l = Start-SocketListener -Port 0; $s = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 15000; $l | Wait-SocketConnection -Timeout 15000 | Close-Socket; $f = [IO.Path]::GetTempFileName()").ThrowOnError();
            ScriptResult result = PS.Run(script);
            Assert.DoesNotContain("AmbiguousParameterSet", result.ErrorIds);
            Assert.Empty(result.ErrorIds);
            PS.Run("Remove-Item $f");
        }

        [Fact]
        public void EchoAndBroadcastTogetherConflict()
        {
            Assert.Equal(new[] { "ConflictingParameters" }, PS.Run("Start-SocketListener -Echo -Broadcast").ErrorIds);
            Assert.Equal(new[] { "ConflictingParameters" }, PS.Run("Start-SocketListener -MaxConnections 2").ErrorIds);
            Assert.Equal(new[] { "ConflictingParameters" }, PS.Run("Start-SocketListener -Echo -QuitWord bye").ErrorIds);
        }
    }
}
