using System;
using System.Runtime.InteropServices;

namespace PSSocket.Bench
{
    /// <summary>
    /// The process's open-file limit (RLIMIT_NOFILE), raised for a scenario that holds many sockets. The soft limit goes
    /// up to the hard one; when that is too low as well, the hard limit is raised too, which a process with
    /// CAP_SYS_RESOURCE may do. (This machine's hard limit is 20,000 and its root lacks that capability, so the
    /// 10,000 clients at once run in a child process of their own.)
    /// </summary>
    internal static class FileLimit
    {
        private const int RlimitNofile = 7;

        public static long Raise(int needed)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return long.MaxValue;
            }

            try
            {
                if (getrlimit(RlimitNofile, out RLimit limit) != 0)
                {
                    return long.MaxValue;
                }

                if (limit.Current >= (ulong)needed)
                {
                    return (long)Math.Min(limit.Current, long.MaxValue);
                }

                ulong wanted = (ulong)needed * 2;
                var raised = new RLimit { Current = wanted, Maximum = Math.Max(limit.Maximum, wanted) };
                if (setrlimit(RlimitNofile, ref raised) != 0)
                {
                    // Not allowed to raise the hard limit: go as far as it lets.
                    raised = new RLimit { Current = Math.Min(limit.Maximum, wanted), Maximum = limit.Maximum };
                    if (setrlimit(RlimitNofile, ref raised) != 0)
                    {
                        return (long)Math.Min(limit.Current, long.MaxValue);
                    }
                }

                if (raised.Current > limit.Current)
                {
                    Console.Error.WriteLine($"  raised the open-file limit from {limit.Current} (hard {limit.Maximum}) to {raised.Current} (hard {raised.Maximum})");
                }

                return (long)Math.Min(raised.Current, long.MaxValue);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return long.MaxValue;
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct RLimit
        {
            public ulong Current;
            public ulong Maximum;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int getrlimit(int resource, out RLimit limit);

        [DllImport("libc", SetLastError = true)]
        private static extern int setrlimit(int resource, ref RLimit limit);
    }
}
