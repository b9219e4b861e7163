namespace PSSocket.Sessions
{
    /// <summary>How a session came to be: made to connect out, accepted by a listener, or a listener itself.</summary>
    public enum SocketRole
    {
        Client,
        Accepted,
        Listener,
    }
}
