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

        /// <summary>New-Socket, Connect-Socket and Start-SocketListener write one options line with -Debug, all the same way.</summary>
        [Fact]
        public void TheSessionMakersWriteTheSameOptionsDebugLine()
        {
            const string debugOf = "| Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message";
            string[] lines = PS.Run(
                "$all = @(Start-SocketListener -Port 0 -Debug 5>&1); $l = $all | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] }; $all " + debugOf + ";" +
                "$all = @(New-Socket -Debug 5>&1); $all | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] } | Close-Socket; $all " + debugOf + ";" +
                "$all = @(Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port -Timeout 15000 -Debug 5>&1); $all | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] } | Close-Socket; $all " + debugOf + ";" +
                "$l | Close-Socket").All<string>().ToArray();

            Assert.Equal(3, lines.Length);
            Assert.Matches(@"^Session \d+: NoDelay (True|False), receive/send timeouts -?\d+/-?\d+ ms, encoding utf-8\.$", lines[0]);
            Assert.Matches(@"^Session \d+: NoDelay (True|False), connect/receive/send timeouts -?\d+/-?\d+/-?\d+ ms, encoding utf-8\.$", lines[1]);
            Assert.Matches(@"^Session \d+: NoDelay (True|False), connect/receive/send timeouts -?\d+/-?\d+/-?\d+ ms, encoding utf-8\.$", lines[2]);
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
