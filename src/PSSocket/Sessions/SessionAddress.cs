using System;
using System.Net;
using System.Net.Sockets;
using PSSocket.Errors;

namespace PSSocket.Sessions
{
    /// <summary>Where a session binds: an IP end point, or a Unix socket path.</summary>
    internal sealed class SessionAddress
    {
        private readonly IPEndPoint? _endPoint;
        private readonly string? _path;
        private readonly Func<string, bool>? _mayRemoveStale;

        private SessionAddress(IPEndPoint? endPoint, string? path, Func<string, bool>? mayRemoveStale)
        {
            _endPoint = endPoint;
            _path = path;
            _mayRemoveStale = mayRemoveStale;
        }

        public bool IsPath => _path != null;

        public string Described => _path ?? EndPoints.Format(_endPoint);

        public static SessionAddress Ip(IPEndPoint endPoint) => new SessionAddress(endPoint, null, null);

        /// <param name="mayRemoveStale">When given, asked before a stale socket file at the path is removed.</param>
        public static SessionAddress UnixPath(string path, Func<string, bool>? mayRemoveStale) => new SessionAddress(null, path, mayRemoveStale);

        /// <summary>Makes the session's socket and binds it here; the session holds it from then on.</summary>
        public void Bind(SocketSession session)
        {
            if (_path != null)
            {
                BindPath(session, _path);
            }
            else
            {
                BindIp(session, _endPoint!);
            }
        }

        private static void BindIp(SocketSession session, IPEndPoint endPoint)
        {
            SocketSettings settings = session.Settings;
            if (!settings.Family.Allows(endPoint.AddressFamily))
            {
                throw new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch,
                    $"The local address {endPoint.Address} is not of the session's address family ({settings.Family}).",
                    session);
            }

            session.ConnectSockets.BindEachTo(endPoint);
            Socket socket = settings.NewSocket(endPoint.AddressFamily);
            settings.Family = IPFamilyExtensions.FromAddressFamily(endPoint.AddressFamily);
            try
            {
                socket.Bind(endPoint);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw SocketErrorTranslator.ForBind(e, EndPoints.Format(endPoint), session);
            }

            session.AdoptBound(socket, socket.LocalEndPoint, null);
        }

        private void BindPath(SocketSession session, string path)
        {
            EndPoint endPoint = UnixEndPoints.Create(path, session);
            UnixEndPoints.ClearStaleSocket(path, endPoint, session.Protocol, session, _mayRemoveStale);
            Socket socket = session.Settings.NewUnixSocket(session);
            try
            {
                socket.Bind(new UnixBindEndPoint(path));
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw UnixEndPoints.ForBind(e, path, session);
            }

            session.AdoptBound(socket, endPoint, new OwnedSocketFile(path));
        }
    }
}
