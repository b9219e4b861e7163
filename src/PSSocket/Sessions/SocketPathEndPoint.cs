using System.Net;
using System.Net.Sockets;

namespace PSSocket.Sessions
{
    /// <summary>
    /// A socket path as a user wrote it for a destination, before it becomes the runtime's Unix end point. Made
    /// without touching the runtime's type, so a bad path fails when it is used, with the session's error ids.
    /// </summary>
    public sealed class SocketPathEndPoint : EndPoint
    {
        public SocketPathEndPoint(string path)
        {
            Path = path;
        }

        public string Path { get; }

        public override AddressFamily AddressFamily => AddressFamily.Unix;

        public override string ToString() => Path;

        public override bool Equals(object? obj) => obj is EndPoint other && other.AddressFamily == AddressFamily.Unix && other.ToString() == Path;

        public override int GetHashCode() => Path.GetHashCode();
    }
}
