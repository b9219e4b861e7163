using System;

namespace PSSocket.Sessions
{
    /// <summary>A change in a session's life (Connected, PeerClosed, SessionClosed): which session it happened to.</summary>
    public class SocketSessionEventArgs : EventArgs
    {
        internal SocketSessionEventArgs(SocketSession session)
        {
            Session = session;
            At = DateTime.Now;
        }

        public SocketSession Session { get; }

        /// <summary>When the module saw the change.</summary>
        public DateTime At { get; }
    }
}
