using System;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PSSocket.Sessions
{
    /// <summary>
    /// The address a Unix socket binds to, as a plain sockaddr_un. The runtime's UnixDomainSocketEndPoint makes
    /// Socket.Dispose unlink the bound path unchecked, whatever is there by then (another process's live socket, a
    /// regular file); a socket bound through this type is not tracked that way, so the session removes the file
    /// itself, and only when it is still the socket file it created (<see cref="UnixFileStatus"/>).
    /// </summary>
    internal sealed class UnixBindEndPoint : EndPoint
    {
        private const int FamilyBytes = 2;
        private readonly string _path;

        public UnixBindEndPoint(string path)
        {
            _path = path;
        }

        public override AddressFamily AddressFamily => AddressFamily.Unix;

        public override SocketAddress Serialize()
        {
            byte[] path = Encoding.UTF8.GetBytes(_path);
            var address = new SocketAddress(AddressFamily.Unix, FamilyBytes + path.Length + 1);
            for (int i = 0; i < path.Length; i++)
            {
                address[FamilyBytes + i] = path[i];
            }

            return address;
        }

        /// <summary>Addresses the socket reports (its own, a peer's) come back as the runtime's type, which Dispose does not track.</summary>
        public override EndPoint Create(SocketAddress socketAddress)
        {
            var path = new byte[Math.Max(0, socketAddress.Size - FamilyBytes)];
            for (int i = 0; i < path.Length; i++)
            {
                path[i] = socketAddress[FamilyBytes + i];
            }

            int end = Array.IndexOf(path, (byte)0);
            string text = Encoding.UTF8.GetString(path, 0, end < 0 ? path.Length : end);
            return text.Length == 0 ? new UnixBindEndPoint(string.Empty) : UnixEndPoints.Create(text, null);
        }

        public override string ToString() => _path;
    }
}
