namespace PSSocket.Binding
{
    /// <summary>Which framing the receive switches ask for.</summary>
    internal static class ReceiveModes
    {
        public static ReceiveMode Of(bool count, bool line, bool delimiter, bool toEnd)
        {
            int given = (count ? 1 : 0) + (line ? 1 : 0) + (delimiter ? 1 : 0) + (toEnd ? 1 : 0);
            return given > 1 ? ReceiveMode.Conflicting
                : count ? ReceiveMode.Count
                : line ? ReceiveMode.Line
                : delimiter ? ReceiveMode.Delimiter
                : toEnd ? ReceiveMode.ToEnd
                : ReceiveMode.Available;
        }
    }
}
