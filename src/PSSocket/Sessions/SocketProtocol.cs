namespace PSSocket.Sessions
{
    public enum SocketProtocol
    {
        Tcp,
    }
}
