using System;
using System.Net;

namespace PSSocket.Framing
{
    /// <summary>One datagram as the receive pump took it from the socket.</summary>
    internal sealed class ReceivedDatagram
    {
        public ReceivedDatagram(byte[] payload, EndPoint? from, DateTime receivedAtUtc)
        {
            Payload = payload;
            From = from;
            ReceivedAtUtc = receivedAtUtc;
        }

        public byte[] Payload { get; }

        public EndPoint? From { get; }

        public DateTime ReceivedAtUtc { get; }
    }
}
