using System;
using System.Net;

namespace PSSocket.Framing
{
    /// <summary>One datagram as the receive pump took it from the socket.</summary>
    internal sealed class ReceivedDatagram
    {
        public ReceivedDatagram(byte[] payload, EndPoint? from, DateTime receivedAtUtc, IPv4Header? ipHeader = null)
        {
            Payload = payload;
            From = from;
            ReceivedAtUtc = receivedAtUtc;
            IPHeader = ipHeader;
        }

        public byte[] Payload { get; }

        public EndPoint? From { get; }

        public DateTime ReceivedAtUtc { get; }

        /// <summary>A raw IPv4 session's IP header, stripped from the payload; null otherwise.</summary>
        public IPv4Header? IPHeader { get; }
    }
}
