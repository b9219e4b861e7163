using System.Management.Automation;
using PSSocket.Transfers;

namespace PSSocket.Binding
{
    /// <summary>Turns a transfer's progress into Write-Progress records, on the pipeline thread that runs the transfer.</summary>
    internal sealed class ProgressWriter : ITransferObserver
    {
        private readonly Cmdlet _cmdlet;
        private readonly int _activityId;
        private readonly string _activity;
        private TransferProgress _progress = new TransferProgress(null);
        private long _done;

        public ProgressWriter(Cmdlet cmdlet, int activityId, string activity)
        {
            _cmdlet = cmdlet;
            _activityId = activityId;
            _activity = activity;
        }

        public void Started(long? total)
        {
            _progress = new TransferProgress(total);
        }

        public void Advanced(long done)
        {
            _done = done;
            if (!_progress.IsDue())
            {
                return;
            }

            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, _progress.Describe(done))
            {
                PercentComplete = _progress.PercentComplete(done),
                SecondsRemaining = _progress.SecondsRemaining(done),
            });
        }

        public void Complete()
        {
            if (_progress.Reported)
            {
                _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, _progress.Describe(_done))
                {
                    RecordType = ProgressRecordType.Completed,
                });
            }
        }
    }
}
