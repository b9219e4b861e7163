namespace PSSocket.Text
{
    public enum LineEnding
    {
        /// <summary>"\n", as Unix and most text protocols since.</summary>
        Lf,

        /// <summary>"\r\n", as HTTP, SMTP and other Internet protocols.</summary>
        CrLf,
    }
}
