using System;
using System.Net;
using PSSocket.Sessions;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>Sessions of each kind for engine tests, made with the module's one factory.</summary>
    internal static class TestSessions
    {
        public static SocketSession CreateClient(SocketSettings settings, SessionRegistry? registry, IPEndPoint? localEndPoint) =>
            SessionFactory.Create(SocketRole.Client, settings, registry, localEndPoint == null ? null : SessionAddress.Ip(localEndPoint));

        public static SocketSession CreateListener(SocketSettings settings, SessionRegistry? registry, IPEndPoint localEndPoint, int backlog) =>
            SessionFactory.Create(SocketRole.Listener, settings, registry, SessionAddress.Ip(localEndPoint), backlog);

        public static SocketSession CreateDatagramListener(SocketSettings settings, SessionRegistry? registry, IPEndPoint localEndPoint) =>
            SessionFactory.Create(SocketRole.Listener, settings, registry, SessionAddress.Ip(localEndPoint));

        public static SocketSession CreateUnixListener(
            SocketSettings settings, SessionRegistry? registry, string path, int backlog, Func<string, bool>? mayRemoveStale = null) =>
            SessionFactory.Create(SocketRole.Listener, settings, registry, SessionAddress.UnixPath(path, mayRemoveStale), backlog);

        public static SocketSession CreateUnixClient(
            SocketSettings settings, SessionRegistry? registry, string? localPath, Func<string, bool>? mayRemoveStale = null) =>
            SessionFactory.Create(SocketRole.Client, settings, registry, localPath == null ? null : SessionAddress.UnixPath(localPath, mayRemoveStale));
    }
}
