using System;
using System.Runtime.InteropServices;
using System.Text;

namespace PSSocket.Sessions
{

    /// <summary>
    /// stat and lstat through the C library's public entry points, each with the struct its platform documents: Linux's
    /// statx (one layout on every architecture, glibc 2.28 and later) and macOS's stat with 64-bit inodes. Where none is
    /// at hand the answers are null, and callers take the safe side (a socket file is then left in place).
    /// </summary>
    internal static class UnixFileStatus
    {
        private const int FileTypeMask = 0xF000;
        public const int SocketFileType = 0xC000;
        public const int DirectoryFileType = 0x4000;

        /// <summary>st_mode of <paramref name="path"/>; with <paramref name="followLinks"/> false, of a symbolic link itself.</summary>
        public static int? Mode(string path, bool followLinks) => Status(path, followLinks)?.Mode;

        /// <summary>The identity of the socket file at <paramref name="path"/>, never following a link; null when it is not a socket.</summary>
        public static FileIdentity? Socket(string path)
        {
            (int Mode, FileIdentity Identity)? status = Status(path, followLinks: false);
            return status != null && (status.Value.Mode & FileTypeMask) == SocketFileType ? status.Value.Identity : (FileIdentity?)null;
        }

        public static bool IsType(int mode, int type) => (mode & FileTypeMask) == type;

        private static (int Mode, FileIdentity Identity)? Status(string path, bool followLinks)
        {
            byte[] nativePath = Encoding.UTF8.GetBytes(path + "\0");
            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    return Linux.Status(nativePath, followLinks);
                }

                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    return MacOS.Status(nativePath, followLinks);
                }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException)
            {
            }

            return null;
        }

        private static class Linux
        {
            private const int AtFdCwd = -100;
            private const int AtSymlinkNoFollow = 0x100;
            private const uint StatxBasicStats = 0x7FF;

            public static (int, FileIdentity)? Status(byte[] path, bool followLinks)
            {
                var status = default(Statx);
                if (statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, ref status) != 0)
                {
                    return null;
                }

                // The kernel's st_dev encoding (new_encode_dev), so the value matches what stat() reports.
                ulong device = ((ulong)status.DeviceMajor << 8) | (status.DeviceMinor & 0xFF) | ((ulong)(status.DeviceMinor & ~0xFFu) << 12);
                return (status.Mode, new FileIdentity(device, status.Inode));
            }

            [DllImport("libc", SetLastError = true)]
            private static extern int statx(int directory, byte[] path, int flags, uint mask, ref Statx status);

            /// <summary>struct statx of linux/stat.h: the same on every architecture.</summary>
            [StructLayout(LayoutKind.Explicit, Size = 256)]
            private struct Statx
            {
                [FieldOffset(28)]
                public ushort Mode;

                [FieldOffset(32)]
                public ulong Inode;

                [FieldOffset(136)]
                public uint DeviceMajor;

                [FieldOffset(140)]
                public uint DeviceMinor;
            }
        }

        private static class MacOS
        {
            private const string LibSystem = "/usr/lib/libSystem.B.dylib";

            public static (int, FileIdentity)? Status(byte[] path, bool followLinks)
            {
                var status = default(Stat64);
                bool arm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
                int result = followLinks
                    ? (arm ? stat(path, ref status) : stat_inode64(path, ref status))
                    : (arm ? lstat(path, ref status) : lstat_inode64(path, ref status));
                return result == 0 ? (status.Mode, new FileIdentity(unchecked((uint)status.Device), status.Inode)) : ((int, FileIdentity)?)null;
            }

            [DllImport(LibSystem, SetLastError = true)]
            private static extern int stat(byte[] path, ref Stat64 status);

            [DllImport(LibSystem, SetLastError = true)]
            private static extern int lstat(byte[] path, ref Stat64 status);

            [DllImport(LibSystem, EntryPoint = "stat$INODE64", SetLastError = true)]
            private static extern int stat_inode64(byte[] path, ref Stat64 status);

            [DllImport(LibSystem, EntryPoint = "lstat$INODE64", SetLastError = true)]
            private static extern int lstat_inode64(byte[] path, ref Stat64 status);

            /// <summary>struct stat of sys/stat.h with 64-bit inodes (the default on x64 through $INODE64, the only one on arm64).</summary>
            [StructLayout(LayoutKind.Explicit, Size = 144)]
            private struct Stat64
            {
                [FieldOffset(0)]
                public int Device;

                [FieldOffset(4)]
                public ushort Mode;

                [FieldOffset(8)]
                public ulong Inode;
            }
        }
    }
}
