using System;
using System.Diagnostics;
using System.IO;

namespace PSSocket.Bench
{
    /// <summary>What this process holds now: threads, open file descriptors, resident memory (Linux /proc, else .NET's view).</summary>
    internal static class ProcessFacts
    {
        public static int Threads() => (int)(StatusField("Threads:") ?? CurrentProcess(p => p.Threads.Count));

        public static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

        /// <summary>Resident set size in bytes.</summary>
        public static long ResidentBytes() => StatusField("VmRSS:") is long kib ? kib * 1024 : CurrentProcess(p => p.WorkingSet64);

        private static long? StatusField(string name)
        {
            if (!File.Exists("/proc/self/status"))
            {
                return null;
            }

            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    string value = line.Substring(name.Length).Trim();
                    int space = value.IndexOf(' ');
                    return long.Parse(space < 0 ? value : value.Substring(0, space));
                }
            }

            return null;
        }

        private static long CurrentProcess(Func<Process, long> read)
        {
            using Process self = Process.GetCurrentProcess();
            return read(self);
        }
    }
}
