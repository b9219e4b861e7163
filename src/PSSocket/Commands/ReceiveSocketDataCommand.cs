using System.Management.Automation;
using System.Text;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Commands
{
    /// <summary>
    /// Receives in the framing a protocol needs: what arrives first (no mode), exactly -Count bytes, one -Line,
    /// up to a -Delimiter, or -ToEnd of stream. Bytes a call does not consume stay buffered on the session.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "SocketData", DefaultParameterSetName = AvailableSet)]
    [OutputType(typeof(string), typeof(byte[]))]
    public sealed class ReceiveSocketDataCommand : SocketCmdlet
    {
        private const string AvailableSet = "Available";
        private const string CountSet = "Count";
        private const string LineSet = "Line";
        private const string DelimiterSet = "Delimiter";
        private const string ToEndSet = "ToEnd";

        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        public SocketSession? Session { get; set; }

        /// <summary>Receives exactly this many bytes.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CountSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>Receives one line; the LF or CRLF that ends it is not returned.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LineSet)]
        public SwitchParameter Line { get; set; }

        /// <summary>Receives up to this text (in the session's encoding); the delimiter is consumed, not returned.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DelimiterSet)]
        [ValidateNotNullOrEmpty]
        public string? Delimiter { get; set; }

        /// <summary>Receives until the peer closes its side of the connection.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ToEndSet)]
        public SwitchParameter ToEnd { get; set; }

        /// <summary>Writes the bytes as one byte[] instead of text.</summary>
        [Parameter]
        public SwitchParameter AsByteArray { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(EncodingCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Encoding { get; set; }

        /// <summary>How long to wait, in milliseconds; -1 waits forever. Default: the session's ReceiveTimeout.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        private Encoding? _encoding;

        protected override void BeginProcessing()
        {
            if (Encoding != null)
            {
                _encoding = ResolveEncoding(Encoding);
            }
        }

        protected override void ProcessRecord()
        {
            SocketSession session = Session!;
            Encoding encoding = _encoding ?? session.Encoding;
            Deadline deadline = Deadline.After(IsBound(nameof(Timeout)) ? Timeout : session.ReceiveTimeout);
            byte[]? received = null;
            if (!TryRun(() => received = Receive(session.GetReceiver(), encoding, deadline)))
            {
                return;
            }

            if (received == null)
            {
                WriteVerbose($"Session {session.Id}: the peer closed the connection and nothing is buffered.");
                return;
            }

            if (AsByteArray)
            {
                WriteObject(received);
            }
            else
            {
                WriteObject(encoding.GetString(received));
            }
        }

        private byte[]? Receive(SessionReceiver receiver, Encoding encoding, Deadline deadline)
        {
            switch (ParameterSetName)
            {
                case CountSet:
                    return receiver.ReceiveExactly(Count, deadline, StopToken);
                case LineSet:
                    return receiver.ReceiveUntil(encoding.GetBytes("\n"), encoding.GetBytes("\r"), deadline, StopToken);
                case DelimiterSet:
                    return receiver.ReceiveUntil(encoding.GetBytes(Delimiter!), null, deadline, StopToken);
                case ToEndSet:
                    return receiver.ReceiveToEnd(deadline, StopToken);
                default:
                    return receiver.ReceiveAvailable(AsByteArray ? null : encoding, deadline, StopToken);
            }
        }
    }
}
