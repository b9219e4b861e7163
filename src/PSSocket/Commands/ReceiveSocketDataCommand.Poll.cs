using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Commands
{
    /// <summary>-Timeout 0 polls: what the mode asks for if it is buffered or already arrived, else nothing and no error.</summary>
    public sealed partial class ReceiveSocketDataCommand
    {
        private void Poll(SocketSession session, SessionReceiver receiver, System.Text.Encoding encoding)
        {
            byte[]? received = null;
            bool ready = TryRun(() =>
            {
                try
                {
                    received = ReceiveOne(receiver, encoding, Deadline.After(0));
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
