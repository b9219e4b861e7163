namespace PSSocket.Sessions
{
    /// <summary>Which IP family a session may use; Any tries every resolved address.</summary>
    public enum IPFamily
    {
        Any,
        IPv4,
        IPv6,
    }
}
