using System.Linq;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Error messages read as sentences and name what they are about.</summary>
    public class MessageTests : CmdletTestBase
    {
        private string Message(string script, string expectedId)
        {
            ScriptResult result = PS.Run(script);
            Assert.Equal(new[] { expectedId }, result.ErrorIds);
            return result.AllErrors.Single().Exception.Message;
        }

        [Fact]
        public void AClosedSessionWithNoLocalAddressShowsNoEmptyParentheses()
        {
            string message = Message("$s = New-Socket; $s | Close-Socket; $s | Connect-Socket 127.0.0.1 80", "SessionClosed");
            Assert.DoesNotContain("()", message);
            Assert.Matches(@"^Session \d+ is closed\.$", message);
        }

        [Fact]
        public void ATlsOnlyParameterWithoutTlsIsAGrammaticalSentence()
        {
            string message = Message("Connect-Socket 127.0.0.1 80 -ServerName example.org", "TlsNotRequested");
            Assert.StartsWith("-ServerName applies only to TLS;", message);
        }

        [Fact]
        public void NoAddressForFamilyNamesTheFamilyAskedFor()
        {
            string message = Message("$s = New-Socket -AddressFamily IPv6; $s | Connect-Socket 127.0.0.1 80", "NoAddressForFamily");
            Assert.Contains("no IPv6 address", message);
            Assert.Contains("127.0.0.1", message);
        }
    }
}
