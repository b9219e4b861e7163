using System;
using System.Net.Sockets;

namespace PSSocket.Sessions
{
    /// <summary>Makes sessions: clients and listeners at an IP end point or a Unix socket path, and accepted connections.</summary>
    internal static class SessionFactory
    {
        /// <summary>
        /// A client (bound to <paramref name="local"/> when given) or a listener (bound to <paramref name="local"/>;
        /// a stream listener listens with <paramref name="backlog"/>, a UDP one joins the settings' multicast groups).
        /// A session whose bind or listen fails is closed, not left registered.
        /// </summary>
        public static SocketSession Create(SocketRole role, SocketSettings settings, SessionRegistry? registry, SessionAddress? local, int backlog = 0)
        {
            if (role == SocketRole.Accepted || (role == SocketRole.Listener && local == null))
            {
                throw new ArgumentException($"A {role} session is not made from an address.", nameof(role));
            }

            var session = new SocketSession(role, settings, registry);
            try
            {
                local?.Bind(session);
                if (role == SocketRole.Listener && !session.IsDatagram)
                {
                    session.Stream.Listen(backlog, local!.Described);
                }
                else if (role == SocketRole.Listener && !local!.IsPath)
                {
                    session.Datagrams.JoinMulticastGroups();
                }

                return session;
            }
            catch
            {
                session.Close();
                throw;
            }
        }

        /// <summary>A connection a listener accepted, with the listener's settings (a copy).</summary>
        public static SocketSession FromAccepted(Socket socket, SocketSettings settings, SessionRegistry? registry)
        {
            SocketSession? session = null;
            try
            {
                settings.ApplyTo(socket);
                session = new SocketSession(SocketRole.Accepted, settings, registry);
                session.AdoptConnected(socket, null, null);
                return session;
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException)
            {
                // A connection reset before its options were set: neither the socket nor a half-made session is kept.
                socket.Dispose();
                session?.Close();
                throw;
            }
        }
    }
}
