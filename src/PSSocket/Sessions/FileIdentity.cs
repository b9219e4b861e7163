using System;

namespace PSSocket.Sessions
{
    /// <summary>The device and inode of a file: which file a path names right now.</summary>
    internal readonly struct FileIdentity : IEquatable<FileIdentity>
    {
        public FileIdentity(ulong device, ulong inode)
        {
            Device = device;
            Inode = inode;
        }

        public ulong Device { get; }

        public ulong Inode { get; }

        public bool Equals(FileIdentity other) => Device == other.Device && Inode == other.Inode;

        public override bool Equals(object? obj) => obj is FileIdentity other && Equals(other);

        public override int GetHashCode() => (Device, Inode).GetHashCode();
    }
}
