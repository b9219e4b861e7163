using System.Management.Automation;
using PSSocket.HealthChecks;
using PSSocket.Threading;

namespace PSSocket.Binding
{
    /// <summary>
    /// Test-SocketPort's progress bar, written on the pipeline thread while it waits for checks: how many are done
    /// of those started, by outcome, and the end point it waits for (the oldest check still running).
    /// </summary>
    internal sealed class PortCheckProgress
    {
        private const int ActivityId = 0x50535333;
        private const string Activity = "Test-SocketPort";

        private readonly Cmdlet _cmdlet;
        private readonly PortCheckTally _tally;
        private readonly ProgressSchedule _schedule = new ProgressSchedule();

        public PortCheckProgress(Cmdlet cmdlet, PortCheckTally tally)
        {
            _cmdlet = cmdlet;
            _tally = tally;
        }

        /// <summary>Writes a record when one is due; <paramref name="waitingFor"/> is the end point being waited for.</summary>
        public void Report(string? waitingFor)
        {
            if (!_schedule.IsDue())
            {
                return;
            }

            int started = _tally.Started;
            var record = new ProgressRecord(ActivityId, Activity, _tally.Describe())
            {
                PercentComplete = started == 0 ? 0 : (int)System.Math.Min(100L, _tally.Finished * 100L / started),
            };
            if (waitingFor != null)
            {
                record.CurrentOperation = $"Waiting for {waitingFor}";
            }

            _cmdlet.WriteProgress(record);
        }

        public void Complete()
        {
            if (_schedule.Reported)
            {
                _cmdlet.WriteProgress(new ProgressRecord(ActivityId, Activity, _tally.Describe()) { RecordType = ProgressRecordType.Completed });
            }
        }
    }
}
