using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// Broadcast mode, a chat broker: each complete line a client sends (up to and with its LF) goes to every other
    /// connected client, never back to the sender, and a line is never split or mixed with another. A client that
    /// sends the quit word alone on a line gets a farewell line and is disconnected; a client that leaves, or
    /// whose sends fail, is dropped without disturbing the others. Everything runs on asynchronous socket operations:
    /// each client has one receive buffer and a bounded outbound queue (<see cref="BroadcastMember"/>), so a client
    /// that reads slowly delays only itself, and one that falls behind by more than <see cref="MaxQueuedBytes"/> or
    /// <see cref="MaxQueuedMessages"/> is disconnected, reported on Verbose and counted in the server's
    /// SlowClientsDropped, as Redis does with slow pub/sub clients.
    /// </summary>
    internal sealed class BroadcastHandler : IConnectionHandler
    {
        public const string DefaultQuitWord = "quit";
        public const string FarewellText = "Goodbye.\n";

        /// <summary>An unterminated line longer than this is relayed in pieces rather than buffered without end.</summary>
        internal const int MaxLineLength = 64 * 1024;

        /// <summary>A client with more relayed bytes than this not yet sent to it is dropped as too slow.</summary>
        internal const long DefaultMaxQueuedBytes = 4L * 1024 * 1024;

        /// <summary>A client with more relayed messages than this not yet sent to it is dropped as too slow.</summary>
        internal const int DefaultMaxQueuedMessages = 4096;

        internal const int BufferSize = 16 * 1024;

        /// <summary>Guards the member list.</summary>
        private readonly object _gate = new object();
        private readonly List<BroadcastMember> _members = new List<BroadcastMember>();
        private readonly string _quitWord;
        private SocketServer? _server;

        public BroadcastHandler(string quitWord, long maxQueuedBytes = DefaultMaxQueuedBytes, int maxQueuedMessages = DefaultMaxQueuedMessages)
        {
            _quitWord = string.IsNullOrWhiteSpace(quitWord) ? DefaultQuitWord : quitWord.Trim();
            MaxQueuedBytes = maxQueuedBytes;
            MaxQueuedMessages = maxQueuedMessages;
        }

        /// <summary>Relayed bytes a member may have waiting before it is dropped as too slow.</summary>
        internal long MaxQueuedBytes { get; }

        /// <summary>Relayed messages a member may have waiting before it is dropped as too slow.</summary>
        internal int MaxQueuedMessages { get; }

        public ServerMode Mode => ServerMode.Broadcast;

        public void Start(SocketServer server) => _server = server;

        public void Handle(SocketSession connection)
        {
            var member = new BroadcastMember(this, _server!, connection);
            lock (_gate)
            {
                _members.Add(member);
            }

            _server!.Serve(connection, () => ReadAsync(member));
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

        private async Task ReadAsync(BroadcastMember member)
        {
            SocketServer server = _server!;
            SocketSession connection = member.Session;
            var buffer = new byte[BufferSize];
            var pending = new MemoryStream();
            bool farewell = false;
            using var io = new ConnectionIO(connection, server.Options.IdleTimeout);
            try
            {
                while (!farewell)
                {
                    int received = await io.Receive(buffer, 0, buffer.Length);
                    if (received == 0)
                    {
                        if (pending.Length > 0)
                        {
                            Relay(member, pending.ToArray());
                        }

                        break;
                    }

                    farewell = Take(member, buffer, received, pending);
                }

                if (farewell)
                {
                    Leave(member);
                    await member.SayGoodbyeAsync(connection.Encoding.GetBytes(FarewellText)).ConfigureAwait(false);
                }
            }
            catch (SocketSessionException e)
            {
                if (!server.IsStopping)
                {
                    server.ReportConnectionEnded(connection, io.Explain(e));
                }
            }
            finally
            {
                Leave(member);
                connection.Close();
            }
        }

        /// <summary>
        /// Relays the complete lines in data[0..length) (the first one continues <paramref name="pending"/>)
        /// as one piece and keeps the unterminated rest; true when a line is the quit word, which is not relayed.
        /// </summary>
        private bool Take(BroadcastMember member, byte[] data, int length, MemoryStream pending)
        {
            int position = 0;
            int newline;
            while (position < length && (newline = Array.IndexOf(data, (byte)'\n', position, length - position)) >= 0)
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
            pending.Write(data, position, length - position);
            if (pending.Length >= MaxLineLength)
            {
                Relay(member, pending.ToArray());
                pending.SetLength(0);
            }

            return false;
        }

        /// <summary>Relays <paramref name="pending"/> and data[0..count), whole lines, and empties pending.</summary>
        private void RelayLines(BroadcastMember member, MemoryStream pending, byte[] data, int count)
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
        private bool IsQuit(BroadcastMember member, MemoryStream? pending, byte[] data, int start, int newline)
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

        private void Relay(BroadcastMember from, byte[] message)
        {
            BroadcastMember[] others;
            lock (_gate)
            {
                others = _members.ToArray();
            }

            foreach (BroadcastMember to in others)
            {
                if (!ReferenceEquals(to, from))
                {
                    to.Enqueue(message);
                }
            }
        }

        /// <summary>The member takes no more lines: it left, failed, or fell behind.</summary>
        internal void Leave(BroadcastMember member)
        {
            lock (_gate)
            {
                _members.Remove(member);
            }

            member.Close();
        }

        /// <summary>The policy for a member that falls behind: disconnected, reported on Verbose, counted.</summary>
        internal void DropSlow(BroadcastMember member, long queuedBytes)
        {
            SocketServer server = _server!;
            Leave(member);
            server.Statistics.CountSlowClientDropped();
            server.ReportVerbose(
                $"Session {member.Session.Id} ({EndPoints.Format(member.Session.RemoteEndPoint)}) was disconnected as too slow: "
                + $"{queuedBytes} relayed bytes were waiting for it to read (limits {MaxQueuedBytes} bytes, {MaxQueuedMessages} messages).");
            member.Session.Close();
        }
    }
}
