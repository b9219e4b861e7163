using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Text;
using PSSocket.Threading;
using PSSocket.Transfers;

namespace PSSocket.Commands
{
    /// <summary>
    /// Receives in the framing a protocol needs: what arrives first (no mode), exactly -Count bytes, one -Line,
    /// up to a -Delimiter, or -ToEnd of stream; -Stream writes each record as it arrives; -OutFile writes the
    /// bytes to a file. Bytes a call does not consume stay buffered on the session. -Stream over several stream
    /// sessions writes SocketRecord objects from whichever session has a record, as they arrive.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "SocketData", DefaultParameterSetName = ReceiveSet)]
    [OutputType(typeof(string), typeof(byte[]), typeof(SocketDatagram), typeof(SocketRecord), ParameterSetName = new[] { ReceiveSet })]
    [OutputType(typeof(FileInfo), ParameterSetName = new[] { OutFileSet })]
    public sealed class ReceiveSocketDataCommand : SocketCmdlet
    {
        /// <summary>To the pipeline, framed by at most one of -Count, -Line, -Delimiter and -ToEnd (none: what arrives first).</summary>
        private const string ReceiveSet = "Receive";
        /// <summary>To a file: to the end of the stream, or -Count bytes.</summary>
        private const string OutFileSet = "OutFile";
        private const int ProgressActivityId = 0x50535332;

        /// <summary>The sessions to receive from: one after another, or with -Stream over several stream sessions, all at once.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession[]? Session { get; set; }

        /// <summary>Receives exactly this many bytes (with -Stream: records of this size; with -OutFile: this many bytes to the file).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long Count { get; set; }

        /// <summary>Receives one line; the LF or CRLF that ends it is not returned.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        public SwitchParameter Line { get; set; }

        /// <summary>Receives up to this text (in the session's encoding); the delimiter is consumed, not returned.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        [ValidateNotNullOrEmpty]
        public string? Delimiter { get; set; }

        /// <summary>Receives until the peer closes its side of the connection (what -OutFile does unless -Count is given).</summary>
        [Parameter]
        public SwitchParameter ToEnd { get; set; }

        /// <summary>
        /// Writes the received bytes to this file (created or overwritten) instead of the pipeline, in bounded memory:
        /// to the end of the stream, or -Count bytes.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = OutFileSet)]
        [ValidateNotNullOrEmpty]
        public string? OutFile { get; set; }

        /// <summary>Writes each record (chunk, line, delimited record or -Count bytes) as it arrives, until the peer closes, -MaxCount, an idle -Timeout, or Ctrl+C.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        public SwitchParameter Stream { get; set; }

        /// <summary>With -Stream: stop after this many records.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        [ValidateRange(1, int.MaxValue)]
        public int MaxCount { get; set; }

        /// <summary>Writes the bytes as one byte[] instead of text.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        public SwitchParameter AsByteArray { get; set; }

        [Parameter(ParameterSetName = ReceiveSet)]
        [ArgumentCompleter(typeof(EncodingCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Encoding { get; set; }

        /// <summary>
        /// How long to wait, in milliseconds; -1 waits forever. Default: the session's ReceiveTimeout. With -Stream
        /// and -OutFile it is an idle timeout: the longest wait for the next bytes.
        /// </summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>
        /// Bytes: the longest -Line or -Delimiter record (default: the session's MaxRecordLength, 1 MiB) or the most
        /// -ToEnd holds in memory (default: the session's MaxToEndLength, 64 MiB).
        /// </summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        [ValidateRange(1, int.MaxValue)]
        public int MaxLength { get; set; }

        /// <summary>With -OutFile: writes the file, as Get-Item would, when done.</summary>
        [Parameter(ParameterSetName = OutFileSet)]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Keeps receiving for this many milliseconds and writes every record (datagram) that arrives, then ends quietly; implies -Stream.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        [ValidateRange(0, int.MaxValue)]
        public int Duration { get; set; }

        /// <summary>The framing asked for: one of -Count, -Line, -Delimiter, -ToEnd, or none.</summary>
        private ReceiveMode _mode;

        private Encoding? _encoding;

        /// <summary>Stream sessions to stream from, gathered from the parameter and the pipeline; received in EndProcessing.</summary>
        private readonly List<(SocketSession Session, SessionReceiver Receiver)> _streaming = new List<(SocketSession, SessionReceiver)>();

        protected override void BeginProcessing()
        {
            if (Encoding != null)
            {
                _encoding = ResolveEncoding(Encoding);
            }

            _mode = ReceiveModes.Of(IsBound(nameof(Count)), Line, Delimiter != null, ToEnd);
            Enforce(OptionRules.ReceiveFraming, new OptionFacts(this) { Target = OutFile });

            if (_mode == ReceiveMode.Count && OutFile == null && Count > int.MaxValue)
            {
                ThrowTerminating(new SocketSessionException(
                    ErrorIds.CountTooLarge,
                    $"-Count {Count} is more than one result can hold ({int.MaxValue} bytes); use -OutFile to receive it into a file.",
                    Count));
            }
        }

        protected override void ProcessRecord()
        {
            foreach (SocketSession session in Session!)
            {
                ReceiveFrom(session);
            }
        }

        protected override void EndProcessing()
        {
            if (_streaming.Count == 1)
            {
                (SocketSession session, SessionReceiver receiver) = _streaming[0];
                ReceiveStream(session, receiver, _encoding ?? session.Encoding, TimeoutFor(session));
            }
            else if (_streaming.Count > 1)
            {
                ReceiveMany();
            }
        }

        private int TimeoutFor(SocketSession session) => IsBound(nameof(Timeout)) ? Timeout : session.ReceiveTimeout;

        private void ReceiveFrom(SocketSession session)
        {
            Encoding encoding = _encoding ?? session.Encoding;
            int timeout = TimeoutFor(session);
            if (IsDebug)
            {
                WriteDebug($"Session {session.Id}: {session.BytesBuffered} bytes buffered before the receive; waits up to {timeout} ms.");
            }

            StartWindow();
            if (session.IsDatagram)
            {
                ReceiveDatagrams(session, encoding, timeout);
                return;
            }

            SessionReceiver? receiver = null;
            if (!TryRun(() => receiver = session.StreamFor("receive a stream from").Receiver))
            {
                return;
            }

            if (OutFile != null)
            {
                ReceiveToFile(session, timeout);
            }
            else if (Streaming)
            {
                _streaming.Add((session, receiver!));
            }
            else if (timeout == 0)
            {
                Poll(session, receiver!, encoding);
            }
            else
            {
                byte[]? received = null;
                if (TryRun(() => received = ReceiveOne(session, receiver!, encoding, Deadline.After(timeout))))
                {
                    WriteRecord(session, received, encoding);
                }
            }
        }

        private void ReceiveToFile(SocketSession session, int timeout)
        {
            string path = GetUnresolvedProviderPathFromPSPath(OutFile);
            var progress = new ProgressWriter(this, ProgressActivityId, $"Receiving from {session.RemoteEndPoint} to {path}");
            long? count = _mode == ReceiveMode.Count ? Count : (long?)null;
            long before = session.BytesReceived;
            bool done = TryRun(() => FileTransfer.ReceiveFile(session, path, count, timeout, StopToken, progress));
            progress.Complete();
            if (done && IsVerbose)
            {
                WriteVerbose($"Received {session.BytesReceived - before} bytes into {path} on {Describe(session)}.");
            }

            if (done && PassThru)
            {
                // Through the provider, as Get-Item gets it: PSPath and the rest are set, so its views fill in.
                WriteObject(InvokeProvider.Item.Get(new[] { path }, true, true), true);
            }
        }

        /// <summary>
        /// -Stream over several stream sessions: each record as it becomes whole, from whichever session, as a
        /// SocketRecord; until every session ended, -MaxCount records, nothing for the idle -Timeout, the -Duration
        /// window, or Ctrl+C. A session that fails is reported and left; the others go on.
        /// </summary>
        private void ReceiveMany()
        {
            int idleTimeout = IsBound(nameof(Timeout)) ? Timeout : LongestReceiveTimeout();
            var many = new ManySessionReceiver(_streaming, (session, receiver, deadline) => ReceiveOne(session, receiver, _encoding ?? session.Encoding, deadline));
            for (int written = 0; MaxCount == 0 || written < MaxCount;)
            {
                MergedRecord next;
                try
                {
                    int wait = RecordDeadline(idleTimeout).RemainingMilliseconds;
                    next = many.Next(wait, StopToken);
                }
                catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                switch (next.Outcome)
                {
                    case MergedOutcome.Record:
                        SocketSession from = next.Session!;
                        byte[] record = next.Record!;
                        object data = AsByteArray ? record : (object)(_encoding ?? from.Encoding).GetString(record);
                        WriteObject(new SocketRecord(from, data, record.Length, DateTime.Now));
                        written++;
                        break;
                    case MergedOutcome.Ended:
                        WriteVerbose($"Session {next.Session!.Id}: the peer closed the connection and nothing is buffered; {many.OpenCount} session(s) still open.");
                        break;
                    case MergedOutcome.Failed:
                        WriteError(ErrorRecordFactory.From(next.Error!));
                        break;
                    case MergedOutcome.IdleTimedOut:
                        WriteVerbose($"Nothing arrived on {many.OpenCount} session(s) for {idleTimeout} ms; the stream ends after {written} records.");
                        return;
                    default:
                        WriteVerbose($"Every session ended; the stream ends after {written} records.");
                        return;
                }
            }
        }

        /// <summary>Without -Timeout, many sessions wait as long as the most patient of them would alone.</summary>
        private int LongestReceiveTimeout()
        {
            int longest = 0;
            foreach ((SocketSession session, SessionReceiver _) in _streaming)
            {
                if (session.ReceiveTimeout < 0)
                {
                    return System.Threading.Timeout.Infinite;
                }

                longest = Math.Max(longest, session.ReceiveTimeout);
            }

            return longest;
        }

        private void ReceiveStream(SocketSession session, SessionReceiver receiver, Encoding encoding, int idleTimeout)
        {
            for (int written = 0; MaxCount == 0 || written < MaxCount; written++)
            {
                byte[]? record;
                try
                {
                    record = ReceiveOne(session, receiver, encoding, RecordDeadline(idleTimeout));
                }
                catch (SocketSessionException e) when (e.ErrorId == ErrorIds.ReceiveTimedOut)
                {
                    WriteVerbose($"Session {session.Id}: nothing arrived for {idleTimeout} ms; the stream ends after {written} records.");
                    return;
                }
                catch (SocketSessionException e)
                {
                    WriteError(ErrorRecordFactory.From(e));
                    return;
                }
                catch (System.OperationCanceledException) when (StopToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                if (!WriteRecord(session, record, encoding))
                {
                    return;
                }
            }
        }

        /// <summary>Writes one result; false at end of stream.</summary>
        private bool WriteRecord(SocketSession session, byte[]? record, Encoding encoding)
        {
            if (record == null)
            {
                WriteVerbose($"Session {session.Id}: the peer closed the connection and nothing is buffered.");
                return false;
            }

            if (IsVerbose)
            {
                WriteVerbose($"Received {record.Length} bytes ({(_mode == ReceiveMode.Available ? "what arrived" : "-" + _mode)}) on {Describe(session)}; {session.BytesBuffered} bytes stay buffered.");
            }

            if (AsByteArray)
            {
                WriteObject(record);
            }
            else
            {
                WriteObject(encoding.GetString(record));
            }

            return true;
        }

        private int LengthLimit(int sessionLimit) => IsBound(nameof(MaxLength)) ? MaxLength : sessionLimit;

        private byte[]? ReceiveOne(SocketSession session, SessionReceiver receiver, Encoding encoding, Deadline deadline)
        {
            switch (_mode)
            {
                case ReceiveMode.Count:
                    try
                    {
                        return receiver.ReceiveExactly((int)Count, deadline, StopToken);
                    }
                    catch (SocketSessionException e) when (Stream && e.ErrorId == ErrorIds.EndOfStream && receiver.Buffered == 0)
                    {
                        // A stream of fixed-size records ends quietly on a record boundary; a short last record is an error.
                        return null;
                    }

                case ReceiveMode.Line:
                    return receiver.ReceiveUntil(encoding.GetBytes("\n"), encoding.GetBytes("\r"), deadline, StopToken, TextBoundary.UnitSize(encoding), LengthLimit(session.MaxRecordLength));
                case ReceiveMode.Delimiter:
                    return receiver.ReceiveUntil(encoding.GetBytes(Delimiter!), null, deadline, StopToken, TextBoundary.UnitSize(encoding), LengthLimit(session.MaxRecordLength));
                case ReceiveMode.ToEnd:
                    return receiver.ReceiveToEnd(deadline, StopToken, LengthLimit(session.MaxToEndLength));
                default:
                    return receiver.ReceiveAvailable(AsByteArray ? null : encoding, deadline, StopToken);
            }
        }

        private Deadline _window;

        private bool Streaming => Stream || IsBound(nameof(Duration));

        private void StartWindow() => _window = Deadline.After(IsBound(nameof(Duration)) ? Duration : System.Threading.Timeout.Infinite);

        /// <summary>The wait for the next record while streaming: the idle timeout, cut short by the -Duration window.</summary>
        private Deadline RecordDeadline(int idleTimeout)
        {
            int left = _window.RemainingMilliseconds;
            return left < 0 ? Deadline.After(idleTimeout)
                : Deadline.After(idleTimeout < 0 ? left : Math.Min(idleTimeout, left));
        }

        /// <summary>
        /// The next datagram (no mode), the next -Count datagrams (the timeout covers the whole call), or with -Stream
        /// or -Duration each datagram as it arrives until -MaxCount (or -Count), an idle -Timeout, the window, or Ctrl+C.
        /// </summary>
        private void ReceiveDatagrams(SocketSession session, Encoding encoding, int timeout)
        {
            if (OutFile != null || _mode == ReceiveMode.Line || _mode == ReceiveMode.Delimiter || _mode == ReceiveMode.ToEnd)
            {
                string mode = OutFile != null ? "-OutFile" : "-" + _mode;
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.NotAStreamSession,
                    $"{mode} frames a byte stream; session {session.Id} is a {session.Protocol} session, whose datagrams keep their own boundaries. Receive-SocketData returns one datagram per object: use no mode, -Count, -Stream or -Duration.",
                    session)));
                return;
            }

            long limit = _mode == ReceiveMode.Count ? Count : Streaming ? long.MaxValue : 1;
            if (IsBound(nameof(MaxCount)))
            {
                limit = Math.Min(limit, MaxCount);
            }

            Deadline whole = Deadline.After(timeout);
            for (long written = 0; written < limit;)
            {
                ReceivedDatagram item;
                try
                {
                    item = session.DatagramsFor("receive datagrams").Receive(Streaming ? RecordDeadline(timeout) : whole, StopToken);
                }
                catch (SocketSessionException e) when (e.ErrorId == ErrorIds.ReceiveTimedOut && (Streaming || timeout == 0))
                {
                    WriteVerbose($"Session {session.Id}: the stream of datagrams ends after {written}: none arrived in time.");
                    return;
                }
                catch (SocketSessionException e) when (e.ErrorId == ErrorIds.DatagramTruncated || e.ErrorId == ErrorIds.ConnectionRefused)
                {
                    // One datagram (or one earlier send) failed; the others still come.
                    WriteError(ErrorRecordFactory.From(e));
                    continue;
                }
                catch (SocketSessionException e)
                {
                    WriteError(ErrorRecordFactory.From(e));
                    return;
                }
                catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }

                object data = AsByteArray ? item.Payload.Clone() : encoding.GetString(item.Payload);
                WriteObject(new SocketDatagram(session, item.Payload, data, item.From, item.ReceivedAtUtc.ToLocalTime(), item.IPHeader));
                written++;
            }
        }

        private void Poll(SocketSession session, SessionReceiver receiver, System.Text.Encoding encoding)
        {
            byte[]? received = null;
            bool ready = TryRun(() =>
            {
                try
                {
                    received = ReceiveOne(session, receiver, encoding, Deadline.After(0));
                }
                catch (SocketSessionException e) when (e.ErrorId == ErrorIds.ReceiveTimedOut)
                {
                    WriteVerbose($"Session {session.Id}: nothing ready to return ({session.BytesBuffered} bytes buffered); -Timeout 0 does not wait.");
                    received = null;
                    return;
                }
            });
            if (ready && received != null)
            {
                WriteRecord(session, received, encoding);
            }
            else if (ready && session.RemoteClosed && session.BytesBuffered == 0)
            {
                WriteVerbose($"Session {session.Id}: the peer closed the connection and nothing is buffered.");
            }
        }
    }
}
