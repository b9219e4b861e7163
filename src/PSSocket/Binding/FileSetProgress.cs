using PSSocket.Transfers;

namespace PSSocket.Binding
{
    /// <summary>One progress bar over several files sent in turn: each file's progress is added to what the files before it sent.</summary>
    internal sealed class FileSetProgress : ITransferObserver
    {
        private readonly ITransferObserver _writer;
        private readonly long? _total;
        private long _offset;
        private bool _started;

        /// <param name="total">The size of the whole set, when it is known up front (-Path, -LiteralPath); null for files piped in one by one.</param>
        public FileSetProgress(ITransferObserver writer, long? total)
        {
            _writer = writer;
            _total = total;
        }

        public void Started(long? total)
        {
            if (!_started)
            {
                _writer.Started(_total);
                _started = true;
            }
        }

        public void Advanced(long done) => _writer.Advanced(_offset + done);

        /// <summary>A file is done: the next one's progress counts from here.</summary>
        public void FileDone(long length) => _offset += length;

        public void Complete() => (_writer as ProgressWriter)?.Complete();
    }
}
