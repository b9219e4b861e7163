using System.Management.Automation;
using System.Text;
using PSSocket.Sessions;
using PSSocket.Text;

namespace PSSocket.Commands
{
    /// <summary>
    /// Sends strings (in the session's or the given encoding) and byte arrays, exactly as given unless -Line asks
    /// for a line end after each. Either the session or the data comes from the pipeline.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "SocketData", DefaultParameterSetName = DataFromPipelineSet)]
    [OutputType(typeof(SocketSession))]
    public sealed class SendSocketDataCommand : SocketCmdlet
    {
        private const string SessionFromPipelineSet = "SessionFromPipeline";
        private const string DataFromPipelineSet = "DataFromPipeline";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = SessionFromPipelineSet)]
        [Parameter(Mandatory = true, ParameterSetName = DataFromPipelineSet)]
        public SocketSession? Session { get; set; }

        /// <summary>Strings, byte arrays, or values with a text form; arrays are sent item by item.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionFromPipelineSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = DataFromPipelineSet)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [Alias("InputObject")]
        public object? Data { get; set; }

        /// <summary>Encoding for strings; default: the session's.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(EncodingCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Encoding { get; set; }

        /// <summary>Sends a line end after each item.</summary>
        [Parameter]
        public SwitchParameter Line { get; set; }

        [Parameter]
        public LineEnding LineEnding { get; set; } = LineEnding.Lf;

        /// <summary>Writes the session to the pipeline after sending.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private Encoding? _encoding;
        private string? _lineEnd;

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
            Encoding encoding = _encoding ?? session.Encoding;
            foreach (object value in PipelineValues.Flatten(Data))
            {
                if (!TryRun(() => Send(session, value, encoding)))
                {
                    break;
                }
            }

            if (PassThru && ParameterSetName == SessionFromPipelineSet)
            {
                WriteObject(session);
            }
        }

        protected override void EndProcessing()
        {
            if (PassThru && ParameterSetName == DataFromPipelineSet)
            {
                WriteObject(Session);
            }
        }

        private void Send(SocketSession session, object value, Encoding encoding)
        {
            byte[] bytes = PayloadEncoder.Encode(value, encoding, _lineEnd);
            session.Send(bytes, 0, bytes.Length, StopToken);
        }
    }
}
