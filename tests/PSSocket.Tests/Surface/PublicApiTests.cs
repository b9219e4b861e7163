using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using PSSocket.Sessions;
using Xunit;

namespace PSSocket.Tests.Surface
{
    /// <summary>
    /// The module's public API is what scripts can see and what a later version must keep. It is listed in
    /// PublicApi.txt; a change to it fails here until the list is updated on purpose (see the failure message).
    /// </summary>
    public class PublicApiTests
    {
        [Fact]
        public void ThePublicApiIsTheApprovedList()
        {
            string approvedPath = Path.Combine(SourceFolder(), "PublicApi.txt");
            string actual = PublicApiListing.Of(typeof(SocketSession).Assembly);
            string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r\n", "\n") : string.Empty;
            if (actual == approved)
            {
                return;
            }

            string receivedPath = Path.Combine(SourceFolder(), "PublicApi.received.txt");
            File.WriteAllText(receivedPath, actual);
            string[] added = Lines(actual).Except(Lines(approved)).ToArray();
            string[] removed = Lines(approved).Except(Lines(actual)).ToArray();
            Assert.Fail(
                $"The public API changed. If on purpose, copy {receivedPath} over {approvedPath}.\n"
                + $"Added ({added.Length}):\n  {string.Join("\n  ", added)}\n"
                + $"Removed ({removed.Length}):\n  {string.Join("\n  ", removed)}");
        }

        [Fact]
        public void EngineTypesAreNotPublic()
        {
            string[] engineNamespaces = { "PSSocket.Framing", "PSSocket.Transports", "PSSocket.Threading", "PSSocket.Runtime", "PSSocket.Proxies" };

            // Facts that public objects show: a session's Proxy, a datagram's IPHeader.
            string[] facts = { "PSSocket.Proxies.ProxyEndPoint", "PSSocket.Proxies.ProxyKind", "PSSocket.Framing.IPv4Header" };
            string[] exposed = typeof(SocketSession).Assembly.GetExportedTypes()
                .Where(t => engineNamespaces.Contains(t.Namespace) && !facts.Contains(t.FullName))
                .Select(t => t.FullName!)
                .ToArray();
            Assert.Empty(exposed);
        }

        private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
    }
}
