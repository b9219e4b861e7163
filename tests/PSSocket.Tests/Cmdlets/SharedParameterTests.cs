using System.Linq;
using System.Management.Automation;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>
    /// The shared parameters (declared once in src/PSSocket/Binding, offered as dynamic parameters) behave as the
    /// cmdlets' own did: tab completion of their names and values, and their parameter sets in Get-Command.
    /// </summary>
    public class SharedParameterTests : CmdletTestBase
    {
        [Theory]
        [InlineData("Connect-Socket -TlsPro", "-TlsProtocol")]
        [InlineData("Start-SocketTls -CertificatePa", "-CertificatePath")]
        [InlineData("Start-SocketListener -RequireClient", "-RequireClientCertificate")]
        [InlineData("Test-SocketPort -AddressFam", "-AddressFamily")]
        [InlineData("New-Socket -Broad", "-Broadcast")]
        [InlineData("New-Socket -Protocol UnixD", "UnixDatagram")]
        [InlineData("Connect-Socket -RevocationMode Onl", "Online")]
        [InlineData("New-Socket -IPProtocol IcmpV", "IcmpV6")]
        public void TabCompletionOffersTheSharedParameters(string input, string expected)
        {
            string[] completions = PS.Run($"(TabExpansion2 '{input}' {input.Length}).CompletionMatches.CompletionText").All<string>().ToArray();
            Assert.Contains(expected, completions);
        }

        [Theory]
        [InlineData("Connect-Socket", "Path", "Path:True SessionPath:True")]
        [InlineData("Connect-Socket", "AddressFamily", "NewSession:False Raw:False")]
        [InlineData("Connect-Socket", "Protocol", "NewSession:False Path:False Raw:False")]
        [InlineData("Connect-Socket", "IPProtocol", "Raw:True")]
        [InlineData("Start-SocketTls", "Certificate", "ServerCertificate:True")]
        [InlineData("Start-SocketTls", "RequireClientCertificate", "ServerCertificate:False ServerCertificatePath:False")]
        [InlineData("Start-SocketTls", "TlsProtocol", "Client:False ServerCertificate:False ServerCertificatePath:False")]
        public void GetCommandShowsEachSharedParameterInItsSets(string command, string parameter, string expected)
        {
            CommandInfo info = PS.Run($"Get-Command {command}").Single<CommandInfo>();
            string shown = string.Join(" ", info.ParameterSets
                .OrderBy(s => s.Name, System.StringComparer.Ordinal)
                .SelectMany(s => s.Parameters.Where(p => p.Name == parameter).Select(p => $"{s.Name}:{p.IsMandatory}")));
            Assert.Equal(expected, shown);
        }

        [Fact]
        public void ASharedMandatoryParameterStillChoosesItsSet()
        {
            ScriptResult result = PS.Run("Start-SocketTls -Session (New-Socket) -CertificatePath ./none.pfx");
            Assert.Equal(new[] { "PathNotFound" }, result.ErrorIds);
        }
    }
}
