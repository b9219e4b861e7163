using System;
using System.Management.Automation;
using System.Text;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Commands
{
    /// <summary>
    /// Receive-SocketData on datagram sessions, one SocketDatagram per datagram; and -Duration, a time window for
    /// -Stream on any session ("everything that arrives within 2 s").
    /// </summary>
    public sealed partial class ReceiveSocketDataCommand
    {
        /// <summary>Keeps receiving for this many milliseconds and writes every record (datagram) that arrives, then ends quietly; implies -Stream.</summary>
        [Parameter(ParameterSetName = ReceiveSet)]
        [ValidateRange(0, int.MaxValue)]
        public int Duration { get; set; }

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
                    item = session.ReceiveDatagram(Streaming ? RecordDeadline(timeout) : whole, StopToken);
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
                WriteObject(new SocketDatagram(session, item.Payload, data, item.From, item.ReceivedAtUtc.ToLocalTime()));
                written++;
            }
        }
    }
}
