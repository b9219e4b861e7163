namespace PSSocket.Transfers
{
    /// <summary>Hears how a transfer goes: its size once known (null when it is not), then the running total.</summary>
    internal interface ITransferObserver
    {
        void Started(long? total);

        void Advanced(long done);
    }
}
