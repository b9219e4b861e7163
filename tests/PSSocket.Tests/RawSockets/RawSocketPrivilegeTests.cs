using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.RawSockets
{
    /// <summary>
    /// A pwsh started without CAP_NET_RAW (setpriv drops it from the bounding set, so even root lacks it) gets
    /// RawSocketNotPermitted, category PermissionDenied, from New-Socket and Connect-Socket, and no session is left.
    /// </summary>
    public class RawSocketPrivilegeTests
    {
        private static readonly TimeSpan ChildLimit = TimeSpan.FromSeconds(120);

        private const string Script = @"
Import-Module $env:PSSOCKET_MANIFEST -ErrorAction Stop
try { [System.Net.Sockets.Socket]::new('InterNetwork', 'Raw', 'Icmp').Dispose(); 'raw-allowed' } catch { 'raw-refused' }
New-Socket -IPProtocol Icmp -LocalAddress 127.0.0.1 -ErrorVariable e1 -ErrorAction SilentlyContinue | Out-Null
Connect-Socket ::1 -IPProtocol IcmpV6 -ErrorVariable e2 -ErrorAction SilentlyContinue | Out-Null
New-Socket -IPProtocol 253 -ErrorVariable e3 -ErrorAction SilentlyContinue | Send-SocketData -Data 'x' -ComputerName 127.0.0.1 -ErrorVariable e4 -ErrorAction SilentlyContinue
foreach ($e in @($e1) + @($e2) + @($e4)) { '{0}|{1}|{2}' -f $e.FullyQualifiedErrorId, $e.CategoryInfo.Category, $e.Exception.Message }
'sessions=' + @(Get-Socket | Where-Object State -ne 'Created').Count
";

        [Fact]
        public void WithoutCapNetRawEveryRawSocketIsRawSocketNotPermitted()
        {
            string[] lines = RunWithoutCapNetRaw(Script);

            Assert.Equal("raw-refused", lines[0]);
            string[] errors = lines.Skip(1).Take(3).ToArray();
            Assert.Equal(
                new[] { "RawSocketNotPermitted,PSSocket.Commands.NewSocketCommand", "RawSocketNotPermitted,PSSocket.Commands.ConnectSocketCommand", "RawSocketNotPermitted,PSSocket.Commands.SendSocketDataCommand" },
                errors.Select(e => e.Split('|')[0]));
            Assert.All(errors, e => Assert.Equal("PermissionDenied", e.Split('|')[1]));
            Assert.All(errors, e => Assert.Contains("CAP_NET_RAW", e.Split('|')[2]));
            Assert.Equal("sessions=0", lines.Last());
        }

        private static string[] RunWithoutCapNetRaw(string script)
        {
            var info = new ProcessStartInfo("setpriv")
            {
                WorkingDirectory = PowerShellHarness.RepoRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "--inh-caps=-all", "--bounding-set=-net_raw", "dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["PSSOCKET_MANIFEST"] = PowerShellHarness.ManifestPath;
            info.Environment["NO_COLOR"] = "1";
            using Process child = Process.Start(info)!;
            Task<string> output = child.StandardOutput.ReadToEndAsync();
            Task<string> errors = child.StandardError.ReadToEndAsync();
            if (!child.WaitForExit((int)ChildLimit.TotalMilliseconds))
            {
                child.Kill(entireProcessTree: true);
                throw new TimeoutException($"The child pwsh (process {child.Id}) did not finish within {ChildLimit}.");
            }

            string text = output.Result;
            Assert.True(child.ExitCode == 0, $"The child pwsh exited with {child.ExitCode}: {errors.Result}{text}");
            return text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        }
    }
}
