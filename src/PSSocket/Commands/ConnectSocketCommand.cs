using System.Management.Automation;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Connects a session to a host and port, trying each of the host's addresses within one timeout.</summary>
    [Cmdlet(VerbsCommunications.Connect, "Socket", DefaultParameterSetName = NewSessionSet)]
    [OutputType(typeof(SocketSession))]
    public sealed partial class ConnectSocketCommand : SessionSettingsCmdlet
    {
        private const string NewSessionSet = "NewSession";
        private const string SessionSet = "Session";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = SessionSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = SessionPathSet)]
        public SocketSession? Session { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NewSessionSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet)]
        [Alias("HostName", "Address")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = NewSessionSet)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = SessionSet)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>The overall connect timeout in milliseconds (name resolution and every address tried); -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>Only for a session made here: restricts it to IPv4 or IPv6, as ncat's -4 and -6 do.</summary>
        [Parameter(ParameterSetName = NewSessionSet)]
        public IPFamily AddressFamily { get; set; } = IPFamily.Any;

        protected override void ProcessRecord()
        {
            SocketSession session;
            bool madeHere = Session == null;
            if (madeHere)
            {
                var settings = new SocketSettings { Family = AddressFamily };
                ApplyBoundSettings(settings);
                session = NewSession(settings);
            }
            else
            {
                session = Session!;
                ApplyBoundSettings(session.Settings);
            }

            int timeout = IsBound(nameof(Timeout)) ? Timeout : session.ConnectTimeout;
            bool connected = false;
            try
            {
                ConnectSession(session, timeout);
                connected = true;
            }
            catch (SocketSessionException e)
            {
                // A session made here is closed again: the end point is the useful target, not a dead session.
                object target = madeHere && e.Target is SocketSession ? Destination : e.Target ?? session;
                WriteError(ErrorRecordFactory.From(new SocketSessionException(e.ErrorId, e.Message, target, e)));
            }
            catch (System.OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                if (!connected && madeHere)
                {
                    session.Close();
                }
            }

            if (connected)
            {
                WriteObject(session);
            }
        }
    }
}
