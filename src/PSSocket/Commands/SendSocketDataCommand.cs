using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Text;
using PSSocket.Binding;
using PSSocket.ErrorRecords;
using PSSocket.Errors;
using PSSocket.Sessions;
using PSSocket.Text;
using PSSocket.Transfers;

namespace PSSocket.Commands
{
    /// <summary>
    /// Sends strings (in the session's or the given encoding) and byte arrays, exactly as given unless -Line asks
    /// for a line end after each, or the contents of files (-Path) in bounded memory. Either the session or the
    /// data comes from the pipeline.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "SocketData", DefaultParameterSetName = DataFromPipelineSet)]
    [OutputType(typeof(SocketSession))]
    public sealed class SendSocketDataCommand : SocketCmdlet
    {
        private const string SessionFromPipelineSet = "SessionFromPipeline";
        private const string DataFromPipelineSet = "DataFromPipeline";
        private const string FileSet = "File";
        private const string LiteralFileSet = "LiteralFile";
        private const int ProgressActivityId = 0x50535331;

        /// <summary>
        /// The session to send on. With the data from the pipeline it is the first positional argument
        /// ("hi" | Send-SocketData $s); piped in itself, the data is (Send-SocketData "hi" after $s |).
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = SessionFromPipelineSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = DataFromPipelineSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FileSet)]
        [Parameter(Mandatory = true, ParameterSetName = LiteralFileSet)]
        [ArgumentCompleter(typeof(SessionCompleter))]
        public SocketSession? Session { get; set; }

        /// <summary>
        /// Strings, byte arrays, or values with a text form; arrays are sent item by item, except an array made only
        /// of bytes, which is sent as one buffer. A FileInfo (Get-ChildItem) sends the file's contents.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionFromPipelineSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DataFromPipelineSet)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [Alias("InputObject")]
        public object? Data { get; set; }

        /// <summary>Files whose bytes to send as they are, read in 1 MiB pieces; wildcards select several, sent in order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FileSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Files to send as they are, taken literally (no wildcards); binds the PSPath of items piped in.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralFileSet)]
        [ValidateNotNullOrEmpty]
        [Alias("PSPath", "LP")]
        public string[]? LiteralPath { get; set; }

        /// <summary>Encoding for strings; default: the session's.</summary>
        [Parameter(ParameterSetName = SessionFromPipelineSet)]
        [Parameter(ParameterSetName = DataFromPipelineSet)]
        [ArgumentCompleter(typeof(EncodingCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Encoding { get; set; }

        /// <summary>Sends a line end after each item.</summary>
        [Parameter(ParameterSetName = SessionFromPipelineSet)]
        [Parameter(ParameterSetName = DataFromPipelineSet)]
        public SwitchParameter Line { get; set; }

        [Parameter(ParameterSetName = SessionFromPipelineSet)]
        [Parameter(ParameterSetName = DataFromPipelineSet)]
        public LineEnding LineEnding { get; set; } = LineEnding.Lf;

        /// <summary>Writes the session to the pipeline after sending.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>
        /// Datagram sessions: where each datagram goes (127.0.0.1:53, [::1]:53, host:53, /tmp/x.sock, or an EndPoint).
        /// Binds by property name, so a received SocketDatagram piped in is answered at its sender.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = SessionFromPipelineSet)]
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = DataFromPipelineSet)]
        [EndPointTransformation]
        [Alias("To")]
        public EndPoint? RemoteEndPoint { get; set; }

        /// <summary>Datagram sessions: the host to send to, with -Port; resolved within the session's send timeout.</summary>
        [Parameter(ParameterSetName = SessionFromPipelineSet)]
        [Parameter(ParameterSetName = DataFromPipelineSet)]
        [ValidateNotNullOrEmpty]
        public string? ComputerName { get; set; }

        /// <summary>Datagram sessions: the port to send to, with -ComputerName.</summary>
        [Parameter(ParameterSetName = SessionFromPipelineSet)]
        [Parameter(ParameterSetName = DataFromPipelineSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        private Encoding? _encoding;

        /// <summary>One progress bar over the files of one -Path/-LiteralPath set, or over every file piped in.</summary>
        private FileSetProgress? _fileProgress;

        private string? _lineEnd;

        /// <summary>After a failed send the session is not passed on, so the next command does not act on a broken exchange.</summary>
        private bool _failed;

        protected override void BeginProcessing()
        {
            if (Encoding != null)
            {
                _encoding = ResolveEncoding(Encoding);
            }

            _lineEnd = Line ? PayloadEncoder.LineEndText(LineEnding) : null;
        }

        protected override void ProcessRecord()
        {
            SocketSession session = Session!;
            if (ComputerName != null || RemoteEndPoint != null || IsBound(nameof(Port)))
            {
                // Per record, since the rule depends on the session piped in; skipped when no destination is given.
                Enforce(OptionRules.SendDestination, new OptionFacts(this) { Protocol = session.Protocol, Target = ComputerName });
            }

            if (ParameterSetName == FileSet || ParameterSetName == LiteralFileSet)
            {
                SendFiles(session);
                return;
            }

            Encoding encoding = _encoding ?? session.Encoding;
            long before = session.BytesSent;
            int items = 0;
            object? data = Data is PSObject wrapper ? wrapper.BaseObject : Data;
            if (data is byte[] || data is string)
            {
                // The common case, one buffer or one string, without walking an enumerator.
                items = 1;
                if (!SendOne(session, data, encoding))
                {
                    return;
                }
            }
            else
            {
                foreach (object value in PipelineValues.Flatten(data))
                {
                    items++;
                    if (!SendOne(session, value, encoding))
                    {
                        return;
                    }
                }
            }

            if (IsVerbose)
            {
                WriteVerbose($"Sent {session.BytesSent - before} bytes ({items} item{(items == 1 ? string.Empty : "s")}) on {Describe(session)}.");
            }

            WriteSessionIfPassThru(session);
        }

        /// <summary>Sends one value (a FileInfo sends its file); false, and the session is not passed on, when it failed.</summary>
        private bool SendOne(SocketSession session, object value, Encoding encoding)
        {
            if (value is FileInfo file)
            {
                return SendFile(session, file.FullName);
            }

            try
            {
                SendPayload(session, PayloadEncoder.Encode(value, encoding, _lineEnd));
                return true;
            }
            catch (SocketSessionException e)
            {
                WriteError(ErrorRecordFactory.From(e));
            }
            catch (System.OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            _failed = true;
            return false;
        }

        private void WriteSessionIfPassThru(SocketSession session)
        {
            if (PassThru && ParameterSetName != DataFromPipelineSet)
            {
                WriteObject(session);
            }
        }

        protected override void EndProcessing()
        {
            _fileProgress?.Complete();
            if (PassThru && !_failed && ParameterSetName == DataFromPipelineSet)
            {
                WriteObject(Session);
            }
        }

        private void SendFiles(SocketSession session)
        {
            var files = new System.Collections.Generic.List<string>();
            foreach (string pattern in Path ?? LiteralPath!)
            {
                files.AddRange(ResolveFiles(pattern));
            }

            _fileProgress?.Complete();
            string activity = files.Count == 1 ? $"Sending {files[0]}" : $"Sending {files.Count} files";
            _fileProgress = new FileSetProgress(
                new ProgressWriter(this, ProgressActivityId, $"{activity} to {EndPoints.Format(session.RemoteEndPoint)}"),
                files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0));
            foreach (string file in files)
            {
                if (!SendFile(session, file))
                {
                    return;
                }
            }

            WriteSessionIfPassThru(session);
        }

        /// <summary>Streams one file; false (and the session is not passed on) when it failed.</summary>
        private bool SendFile(SocketSession session, string file)
        {
            if (!TryRun(() => session.StreamFor("send files on")))
            {
                _failed = true;
                return false;
            }

            _fileProgress ??= new FileSetProgress(new ProgressWriter(this, ProgressActivityId, $"Sending files to {EndPoints.Format(session.RemoteEndPoint)}"), null);
            long sent = 0;
            bool done = TryRun(() => sent = FileTransfer.SendFile(session, file, StopToken, _fileProgress));
            _fileProgress.FileDone(sent);
            if (!done)
            {
                _fileProgress.Complete();
                _fileProgress = null;
                _failed = true;
                return false;
            }

            if (IsVerbose)
            {
                WriteVerbose($"Sent {file} ({sent} bytes) on {Describe(session)}.");
            }

            return true;
        }

        private string[] ResolveFiles(string pattern)
        {
            try
            {
                if (LiteralPath != null)
                {
                    string literal = GetUnresolvedProviderPathFromPSPath(pattern);
                    if (!File.Exists(literal))
                    {
                        throw new ItemNotFoundException(literal);
                    }

                    return new[] { literal };
                }

                return GetResolvedProviderPathFromPSPath(pattern, out _).ToArray();
            }
            catch (ItemNotFoundException)
            {
                WriteError(ErrorRecordFactory.From(new SocketSessionException(
                    ErrorIds.PathNotFound, $"Cannot send '{pattern}': the file does not exist.", pattern)));
                return System.Array.Empty<string>();
            }
        }

        /// <summary>
        /// The destination of this item, if any. A session piped in brings its own RemoteEndPoint by property name;
        /// that one means its peer, which is where a send goes anyway.
        /// </summary>
        private EndPoint? Destination(SocketSession session)
        {
            if (ComputerName != null)
            {
                return new DnsEndPoint(ComputerName, Port);
            }

            return RemoteEndPoint == null || RemoteEndPoint.Equals(session.RemoteEndPoint) ? null : RemoteEndPoint;
        }

        private void SendPayload(SocketSession session, byte[] bytes)
        {
            EndPoint? destination = Destination(session);
            if (session.IsDatagram)
            {
                session.Datagrams.Send(bytes, destination, StopToken);
            }
            else if (destination != null)
            {
                throw new SocketSessionException(
                    ErrorIds.NotADatagramSession,
                    $"Session {session.Id} is a {session.Protocol} session: it sends only to the peer it is connected to, not to {EndPoints.Format(destination)}. Destinations are for Udp and UnixDatagram sessions.",
                    session);
            }
            else
            {
                session.Stream.Send(bytes, 0, bytes.Length, StopToken);
            }
        }
    }
}
