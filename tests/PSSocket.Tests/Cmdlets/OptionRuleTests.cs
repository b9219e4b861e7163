using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSSocket.Binding;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>
    /// The table of option rules (src/PSSocket/Binding/OptionRules.cs), walked whole: each example of each rule
    /// stops the real cmdlet with the rule's error id, and it is that rule (not another) that stopped it.
    /// </summary>
    public class OptionRuleTests : CmdletTestBase
    {
        public static IEnumerable<object[]> RuleExamples() =>
            OptionRules.All.SelectMany(rule => rule.Examples.Select(example => new object[] { rule.Name, example }));

        [Theory]
        [MemberData(nameof(RuleExamples))]
        public void EachRuleStopsTheCmdletWithItsErrorId(string ruleName, string example)
        {
            OptionRule rule = OptionRules.All.Single(r => r.Name == ruleName);
            PS.Run("$s = New-Socket").ThrowOnError();
            ScriptResult result = PS.Run(example);
            PS.Run("$s | Close-Socket").ThrowOnError();

            ErrorRecord error = Assert.Single(result.AllErrors);
            Assert.Equal(rule.ErrorId, error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(rule.Name, error.Exception.Data[OptionRule.DataKey]);
            Assert.Equal(0, PS.Run("@(Get-Socket).Count").Single<int>()); // stopped before any socket was made
        }

        [Fact]
        public void EveryRuleHasANameOfItsOwnAndAnExample()
        {
            Assert.True(OptionRules.All.Count() >= 25, $"{OptionRules.All.Count()} rules");
            Assert.Equal(OptionRules.All.Count(), OptionRules.All.Select(r => r.Name).Distinct().Count());
            Assert.All(OptionRules.All, rule => Assert.NotEmpty(rule.Examples));
        }

        [Theory]
        [InlineData("New-Socket -Protocol Udp -Broadcast")]
        [InlineData("New-Socket -Protocol UnixStream")]
        [InlineData("Start-SocketListener -Protocol Udp -EnableBroadcast")]
        [InlineData("Start-SocketListener -Broadcast -QuitWord bye")]
        [InlineData("Start-SocketListener -Echo -Broadcast:$false")]
        public void OptionsThatGoTogetherPass(string script)
        {
            ScriptResult result = PS.Run(script + " | Close-Socket");
            Assert.Empty(result.ErrorIds);
        }
    }
}
