using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Servers;

namespace PSSocket.Tests.Servers
{
    /// <summary>A server reporter for engine tests: keeps what a job would get, thread-safely.</summary>
    internal sealed class CollectingReporter : IHandlerStreams
    {
        public ConcurrentQueue<object> Outputs { get; } = new ConcurrentQueue<object>();

        public ConcurrentQueue<SocketSessionException> Errors { get; } = new ConcurrentQueue<SocketSessionException>();

        public ConcurrentQueue<ErrorRecord> ErrorRecords { get; } = new ConcurrentQueue<ErrorRecord>();

        public ConcurrentQueue<string> VerboseMessages { get; } = new ConcurrentQueue<string>();

        public ConcurrentQueue<object> OtherRecords { get; } = new ConcurrentQueue<object>();

        public IReadOnlyList<string> ErrorIds => Errors.Select(e => e.ErrorId).ToList();

        public void Output(object value) => Outputs.Enqueue(value is PSObject wrapper ? wrapper.BaseObject : value);

        public void Error(SocketSessionException error) => Errors.Enqueue(error);

        public void Verbose(string message) => VerboseMessages.Enqueue(message);

        public void Record(ErrorRecord record) => ErrorRecords.Enqueue(record);

        public void Record(WarningRecord record) => OtherRecords.Enqueue(record);

        public void Record(VerboseRecord record) => OtherRecords.Enqueue(record);

        public void Record(DebugRecord record) => OtherRecords.Enqueue(record);

        public void Record(InformationRecord record) => OtherRecords.Enqueue(record);
    }
}
