using System.IO;

namespace PSSocket.Runner
{
    /// <summary>Finds the staged module: out/PSSocket/PSSocket.psd1 below the first folder, walking up, that holds PSSocket.psd1.</summary>
    internal static class ModuleLocator
    {
        public const string ManifestName = "PSSocket.psd1";

        /// <summary>The staged manifest's full path, or null when no folder above <paramref name="start"/> holds one.</summary>
        public static string? FindStagedManifest(string start)
        {
            for (DirectoryInfo? dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                // A staged (or packaged) module folder itself: the manifest beside the dll.
                if (File.Exists(Path.Combine(dir.FullName, ManifestName)) && File.Exists(Path.Combine(dir.FullName, "PSSocket.dll")))
                {
                    return Path.Combine(dir.FullName, ManifestName);
                }

                // The repository root: the source manifest, and the module the build staged below it.
                if (File.Exists(Path.Combine(dir.FullName, ManifestName)))
                {
                    string staged = Path.Combine(dir.FullName, "out", "PSSocket", ManifestName);
                    return File.Exists(staged) ? staged : null;
                }
            }

            return null;
        }
    }
}
