using System;
using System.IO;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>
    /// A short, unique path for a Unix domain socket under /tmp (socket paths hold at most 107 bytes, so the
    /// test's own temp folder may be too deep). Dispose asserts nothing was left behind only through Leftover.
    /// </summary>
    public sealed class TempSocketPath : IDisposable
    {
        public TempSocketPath(string tag = "s")
        {
            Path = System.IO.Path.Combine("/tmp", $"pss-{tag}-{Guid.NewGuid():N}".Substring(0, 20) + ".sock");
        }

        public string Path { get; }

        /// <summary>True while something (a socket file, a file) is at the path.</summary>
        public bool Exists => File.Exists(Path) || Directory.Exists(Path);

        public override string ToString() => Path;

        public void Dispose()
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }
                else
                {
                    File.Delete(Path);
                }
            }
            catch (IOException)
            {
            }
        }
    }
}
