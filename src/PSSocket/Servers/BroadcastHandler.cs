using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Servers
{
    /// <summary>
    /// Broadcast mode, a chat broker: each complete line a client sends (up to and with its LF) goes to every other
    /// connected client, never back to the sender, and a line is never split or mixed with another. A client that
    /// sends the quit word alone on a line gets a farewell line and is disconnected; a client that leaves, or
    /// whose sends fail, is dropped without disturbing the others. Each client has an outbound queue drained on the
    /// thread pool, so a client that reads slowly delays only itself.
    /// </summary>
    internal sealed class BroadcastHandler : IConnectionHandler
    {
        public const string DefaultQuitWord = "quit";
        public const string FarewellText = "Goodbye.\n";

        /// <summary>An unterminated line longer than this is relayed in pieces rather than buffered without end.</summary>
        internal const int MaxLineLength = 64 * 1024;

        /// <summary>A client with this much relayed data not yet sent to it is dropped as too slow.</summary>
        internal const long MaxQueuedBytes = 16L * 1024 * 1024;

        private readonly object _gate = new object();
        private readonly List<Member> _members = new List<Member>();
        private readonly string _quitWord;
        private SocketServer? _server;

        public BroadcastHandler(string quitWord)
        {
            _quitWord = string.IsNullOrWhiteSpace(quitWord) ? DefaultQuitWord : quitWord.Trim();
        }

        public ServerMode Mode => ServerMode.Broadcast;

        public void Start(SocketServer server) => _server = server;

        public void Handle(SocketSession connection)
        {
            var member = new Member(this, connection);
            lock (_gate)
            {
                _members.Add(member);
            }

            try
            {
                _server!.RunOnThread(() => Read(member), connection);
            }
            catch
            {
                Leave(member); // no thread reads it: relays to it would only pile up
                throw;
            }
        }

        /// <summary>Members lines are relayed to now.</summary>
        internal int MemberCount
        {
            get
            {
                lock (_gate)
                {
                    return _members.Count;
                }
            }
        }

        public void BeginStop()
        {
        }

        public void Dispose()
        {
        }

        private void Read(Member member)
        {
            SocketServer server = _server!;
            SocketSession connection = member.Session;
            var pending = new MemoryStream();
            bool farewell = false;
            try
            {
                SessionReceiver receiver = connection.GetReceiver();
                while (!farewell)
                {
                    byte[]? data = receiver.ReceiveAvailable(null, Deadline.After(server.Options.IdleTimeout), server.StopToken);
                    if (data == null)
                    {
                        if (pending.Length > 0)
                        {
                            Relay(member, pending.ToArray());
                        }

                        break;
                    }

                    farewell = Take(member, data, pending);
                }

                if (farewell)
                {
                    byte[] bye = connection.Encoding.GetBytes(FarewellText);
                    Leave(member);
                    connection.Send(bye, 0, bye.Length, server.StopToken);
                }
            }
            catch (SocketSessionException e)
            {
                server.ReportConnectionEnded(connection, e);
            }
            finally
            {
                Leave(member);
                connection.Close();
            }
        }

        /// <summary>
        /// Relays the complete lines in <paramref name="data"/> (the first one continues <paramref name="pending"/>)
        /// as one piece and keeps the unterminated rest; true when a line is the quit word, which is not relayed.
        /// </summary>
        private bool Take(Member member, byte[] data, MemoryStream pending)
        {
            int position = 0;
            int newline;
            while ((newline = Array.IndexOf(data, (byte)'\n', position)) >= 0)
            {
                if (IsQuit(member, position == 0 ? pending : null, data, position, newline))
                {
                    RelayLines(member, pending, data, position);
                    pending.SetLength(0);
                    return true;
                }

                position = newline + 1;
            }

            RelayLines(member, pending, data, position);
            pending.Write(data, position, data.Length - position);
            if (pending.Length >= MaxLineLength)
            {
                Relay(member, pending.ToArray());
                pending.SetLength(0);
            }

            return false;
        }

        /// <summary>Relays <paramref name="pending"/> and data[0..count), whole lines, and empties pending.</summary>
        private void RelayLines(Member member, MemoryStream pending, byte[] data, int count)
        {
            if (count == 0)
            {
                return;
            }

            byte[] lines;
            if (pending.Length > 0)
            {
                pending.Write(data, 0, count);
                lines = pending.ToArray();
                pending.SetLength(0);
            }
            else
            {
                lines = new byte[count];
                Buffer.BlockCopy(data, 0, lines, 0, count);
            }

            Relay(member, lines);
        }

        /// <summary>True when the line (pending bytes, then data[start..newline)) is the quit word, give or take spaces and a CR.</summary>
        private bool IsQuit(Member member, MemoryStream? pending, byte[] data, int start, int newline)
        {
            int fromPending = pending == null ? 0 : (int)pending.Length;
            int length = fromPending + newline - start;
            if (length > _quitWord.Length * 4 + 64)
            {
                return false;
            }

            var line = new byte[length];
            if (fromPending > 0)
            {
                Buffer.BlockCopy(pending!.GetBuffer(), 0, line, 0, fromPending);
            }

            Buffer.BlockCopy(data, start, line, fromPending, newline - start);
            string text = member.Session.Encoding.GetString(line).Trim();
            return string.Equals(text, _quitWord, StringComparison.OrdinalIgnoreCase);
        }

        private void Relay(Member from, byte[] message)
        {
            Member[] others;
            lock (_gate)
            {
                others = _members.ToArray();
            }

            foreach (Member to in others)
            {
                if (!ReferenceEquals(to, from))
                {
                    to.Enqueue(message);
                }
            }
        }

        private void Leave(Member member)
        {
            lock (_gate)
            {
                _members.Remove(member);
            }

            member.Gone = true;
        }

        private sealed class Member
        {
            private readonly BroadcastHandler _hub;
            private readonly ConcurrentQueue<byte[]> _queue = new ConcurrentQueue<byte[]>();
            private long _queuedBytes;
            private int _draining;
            private volatile bool _gone;

            public Member(BroadcastHandler hub, SocketSession session)
            {
                _hub = hub;
                Session = session;
            }

            public SocketSession Session { get; }

            public bool Gone
            {
                get => _gone;
                set => _gone = value;
            }

            public void Enqueue(byte[] message)
            {
                if (_gone)
                {
                    return;
                }

                if (Interlocked.Add(ref _queuedBytes, message.Length) > MaxQueuedBytes)
                {
                    SocketServer server = _hub._server!;
                    server.ReportConnectionEnded(Session, new SocketSessionException(
                        ErrorIds.SendIncomplete, $"dropped: more than {MaxQueuedBytes} relayed bytes were waiting for it to read.", Session));
                    _hub.Leave(this);
                    Session.Close();
                    return;
                }

                _queue.Enqueue(message);
                if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
                {
                    _hub._server!.RunOnPool(Drain, null);
                }
            }

            private void Drain()
            {
                SocketServer server = _hub._server!;
                while (true)
                {
                    while (_queue.TryDequeue(out byte[]? message))
                    {
                        Interlocked.Add(ref _queuedBytes, -message.Length);
                        if (_gone)
                        {
                            continue;
                        }

                        try
                        {
                            Session.Send(message, 0, message.Length, server.StopToken);
                        }
                        catch (SocketSessionException e)
                        {
                            server.ReportConnectionEnded(Session, e);
                            _hub.Leave(this);
                            Session.Close();
                        }
                    }

                    Volatile.Write(ref _draining, 0);
                    if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                    {
                        return;
                    }
                }
            }
        }
    }
}
