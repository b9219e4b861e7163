using System;
using System.IO;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The socket file a session bound: removed when the session closes, only while the path still names that very
    /// file (same device and inode, looked up without following a link). A file, a link or another process's socket
    /// put there since is never removed.
    /// </summary>
    internal sealed class OwnedSocketFile
    {
        private readonly string _path;
        private readonly FileIdentity? _created;

        public OwnedSocketFile(string path)
        {
            _path = path;
            _created = UnixFileStatus.Socket(path);
        }

        public void Remove()
        {
            if (_created != null && UnixFileStatus.Socket(_path) is FileIdentity now && now.Equals(_created.Value))
            {
                try
                {
                    File.Delete(_path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Someone else's to clean up now; closing goes on.
                }
            }
        }
    }
}
