using System.Management.Automation;
using System.Net;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>Send-SocketData on datagram sessions: one datagram per item, to the connected peer or to a destination per call (sendto).</summary>
    public sealed partial class SendSocketDataCommand
    {
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

        private void CheckDestinationParameters()
        {
            string? conflict = IsBound(nameof(ComputerName)) != IsBound(nameof(Port)) ? "-ComputerName and -Port go together: give both, or -RemoteEndPoint."
                : IsBound(nameof(ComputerName)) && IsBound(nameof(RemoteEndPoint)) ? "Give the destination once: -RemoteEndPoint, or -ComputerName and -Port."
                : null;
            if (conflict != null)
            {
                ThrowTerminating(new SocketSessionException(ErrorIds.ConflictingParameters, conflict, ComputerName));
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
                session.SendDatagram(bytes, destination, StopToken);
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
                session.Send(bytes, 0, bytes.Length, StopToken);
            }
        }
    }
}
