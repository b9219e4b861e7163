using System;
using System.Net;
using PSSocket.Framing;

namespace PSSocket.Sessions
{
    /// <summary>
    /// One datagram Receive-SocketData returned: its payload (text, or byte[] with -AsByteArray), who sent it, its
    /// size and when it arrived, and the session it arrived on. Piped to Send-SocketData it binds -Session and
    /// -RemoteEndPoint by property name, so answering the sender is one pipeline away; piped as the data itself, its
    /// payload is sent back byte for byte.
    /// </summary>
    public sealed class SocketDatagram
    {
        private readonly byte[] _payload;

        internal SocketDatagram(SocketSession session, byte[] payload, object data, EndPoint? remoteEndPoint, DateTime receivedAt, IPv4Header? ipHeader = null)
        {
            IPHeader = ipHeader;
            Session = session;
            _payload = payload;
            Data = data;
            RemoteEndPoint = remoteEndPoint;
            ReceivedAt = receivedAt;
        }

        /// <summary>The payload: a string decoded with the session's (or the given) encoding, or a byte[].</summary>
        public object Data { get; }

        /// <summary>The payload's size in bytes.</summary>
        public int Length => _payload.Length;

        /// <summary>The sender: 127.0.0.1:5353, [::1]:5353, /tmp/client.sock; null for an unnamed Unix socket, which cannot be answered.</summary>
        public EndPoint? RemoteEndPoint { get; }

        public DateTime ReceivedAt { get; }

        /// <summary>
        /// Raw IPv4 sessions: the IP header the system put in front of the payload, which Data leaves out (TTL,
        /// source, destination...). Null for the other kinds, and for raw IPv6, whose sockets receive no header.
        /// </summary>
        public IPv4Header? IPHeader { get; }

        public SocketSession Session { get; }

        internal byte[] Payload => _payload;

        /// <summary>A copy of the payload's bytes, whatever form Data has.</summary>
        public byte[] GetBytes() => (byte[])_payload.Clone();

        public override string ToString() => Data as string ?? $"{Length} bytes from {EndPoints.Format(RemoteEndPoint)}";
    }
}
