using System.Net.Sockets;
using System.Threading.Tasks;
using PSSocket.Framing;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Looks at one session, without waiting and without taking a byte, and says whether it is ready for an event
    /// or what to wait on. Bytes already buffered on the session count first; a closed or reset session is ready
    /// for every event, so the script's next call on it says what happened.
    /// </summary>
    internal static class ReadinessProbe
    {
        /// <summary>How many finished reads one look moves into the buffer while it looks for the end of a stream.</summary>
        private const int MaxPrefetchesPerLook = 16;

        public static ReadinessNeed Probe(SocketSession session, ReadinessEvent wanted)
        {
            (SocketState state, Socket? socket) = session.WithState((s, own) => (s, own));
            if (state == SocketState.Closed || state == SocketState.Reset)
            {
                return ReadinessNeed.Ready;
            }

            if (state == SocketState.Connecting)
            {
                // Every event waits for the connect first; then the session is looked at again.
                return ReadinessNeed.Finished(session.PendingConnect);
            }

            if (wanted == ReadinessEvent.Connect || socket == null && !session.IsDatagram)
            {
                return ReadinessNeed.Ready; // nothing in progress: a call now would not wait for a connect
            }

            return session.IsDatagram ? ProbeDatagrams(session, wanted, socket) : ProbeStream(session, wanted, state, socket!);
        }

        /// <summary>
        /// A socket Select found readable: on a connected stream session, what arrived (bytes, end of stream, a reset) moves into the session,
        /// unread, so BytesBuffered, RemoteClosed and State say what the script will find.
        /// </summary>
        public static void Settle(SocketSession session)
        {
            if (!session.IsDatagram && (session.State == SocketState.Connected || session.State == SocketState.SendShutdown))
            {
                session.Stream.CurrentReceiver?.Prefetch();
            }
        }

        private static ReadinessNeed ProbeDatagrams(SocketSession session, ReadinessEvent wanted, Socket? socket)
        {
            switch (wanted)
            {
                case ReadinessEvent.Write:
                    return ReadinessNeed.Ready;
                case ReadinessEvent.Read:
                    // The session's own receiver drains the socket into its queue, so the queue is what to watch.
                    return session.DatagramsBuffered > 0 || socket == null ? ReadinessNeed.Ready : ReadinessNeed.LookAgain;
                default:
                    return ReadinessNeed.LookAgain; // a datagram session has no end of stream; only Close ends it
            }
        }

        private static ReadinessNeed ProbeStream(SocketSession session, ReadinessEvent wanted, SocketState state, Socket socket)
        {
            if (state == SocketState.Listening)
            {
                return wanted == ReadinessEvent.Read ? ReadinessNeed.ReadableSocket(socket) : ReadinessNeed.LookAgain;
            }

            SessionReceiver? receiver = session.Stream.CurrentReceiver;
            if (receiver == null || state != SocketState.Connected && state != SocketState.SendShutdown)
            {
                return ReadinessNeed.Ready; // Created or Bound: a call now fails at once and says why
            }

            switch (wanted)
            {
                case ReadinessEvent.Write:
                    return state == SocketState.SendShutdown ? ReadinessNeed.Ready : ReadinessNeed.WritableSocket(socket);
                case ReadinessEvent.Read:
                    if (receiver.Buffered > 0 || receiver.EndOfStream)
                    {
                        return ReadinessNeed.Ready;
                    }

                    // TLS keeps decrypted bytes the socket no longer shows, and a read already out takes what arrives:
                    // both are watched through a read into the session's buffer. Plaintext is watched on the socket.
                    return session.Tls != null || receiver.ReadPending
                        ? ReadinessNeed.Finished(receiver.Prefetch())
                        : ReadinessNeed.ReadableSocket(socket);
                default:
                    return ProbeEndOfStream(session, receiver);
            }
        }

        /// <summary>The end of a stream shows only after every byte before it: those move into the session's buffer, unread.</summary>
        private static ReadinessNeed ProbeEndOfStream(SocketSession session, SessionReceiver receiver)
        {
            for (int i = 0; i < MaxPrefetchesPerLook; i++)
            {
                if (receiver.EndOfStream || session.State == SocketState.Reset || session.State == SocketState.Closed)
                {
                    return ReadinessNeed.Ready;
                }

                Task? pending = receiver.Prefetch();
                if (pending != null)
                {
                    return ReadinessNeed.Finished(pending);
                }
            }

            return ReadinessNeed.LookAgain;
        }
    }
}
