using System.Linq;
using System.Management.Automation;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.UnixSockets
{
    /// <summary>
    /// Where the runtime has no UnixDomainSocketEndPoint (Windows PowerShell 5.1 on .NET Framework), every Unix
    /// operation fails with UnixSocketsNotSupported. The switch is process-wide, so these run alone.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public class UnixUnsupportedTests : CmdletTestBase
    {
        [Theory]
        [InlineData("Connect-Socket -Path $path")]
        [InlineData("Connect-Socket -Path $path -Protocol UnixDatagram")]
        [InlineData("Start-SocketListener -Path $path")]
        [InlineData("Start-SocketListener -Path $path -Protocol UnixDatagram")]
        [InlineData("New-Socket -Protocol UnixDatagram -LocalPath $path")]
        [InlineData("New-Socket -Protocol UnixDatagram | Send-SocketData -RemoteEndPoint $path -Data x")]
        public void EveryUnixOperationSaysUnixSocketsAreNotSupported(string script)
        {
            using var path = new TempSocketPath("na");
            PS.SetVariable("path", path.Path);
            UnixEndPoints.SimulateUnsupported = true;
            try
            {
                ScriptResult result = PS.Run(script);
                Assert.Equal(new[] { "UnixSocketsNotSupported" }, result.ErrorIds);
                Assert.Equal(ErrorCategory.NotImplemented, result.Errors.Single().CategoryInfo.Category);
            }
            finally
            {
                UnixEndPoints.SimulateUnsupported = false;
            }

            Assert.False(path.Exists);
            Assert.Empty(PS.Run("Get-Socket -Protocol UnixStream").Output);
        }
    }
}
