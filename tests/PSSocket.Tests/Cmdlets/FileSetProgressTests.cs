using System.Collections.Generic;
using PSSocket.Binding;
using PSSocket.Transfers;
using Xunit;

namespace PSSocket.Tests.Cmdlets
{
    /// <summary>Several files sent in turn make one progress bar: one start with the set's size, and bytes that only grow.</summary>
    public class FileSetProgressTests
    {
        private sealed class Recorder : ITransferObserver
        {
            public List<long?> Starts { get; } = new List<long?>();

            public List<long> Done { get; } = new List<long>();

            public void Started(long? total) => Starts.Add(total);

            public void Advanced(long done) => Done.Add(done);
        }

        [Fact]
        public void FilesAddUpUnderOneStart()
        {
            var recorder = new Recorder();
            var progress = new FileSetProgress(recorder, 300);
            progress.Started(100);
            progress.Advanced(60);
            progress.Advanced(100);
            progress.FileDone(100);
            progress.Started(200);
            progress.Advanced(50);
            progress.Advanced(200);
            progress.FileDone(200);

            Assert.Equal(new long?[] { 300 }, recorder.Starts);
            Assert.Equal(new long[] { 60, 100, 150, 300 }, recorder.Done);
        }
    }
}
