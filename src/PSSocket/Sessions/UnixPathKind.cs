namespace PSSocket.Sessions
{
    /// <summary>What is at a socket path, as far as the file system says.</summary>
    internal enum UnixPathKind
    {
        Missing,
        Socket,
        Directory,
        OtherFile,

        /// <summary>It exists, but this platform does not tell us its type (no stat available).</summary>
        Unknown,
    }
}
