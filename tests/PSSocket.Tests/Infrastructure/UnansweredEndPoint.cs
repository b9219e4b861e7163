using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>
    /// A loopback port whose listener never accepts and whose backlog is full, so a new connect gets no answer
    /// and waits: the way to test connect timeouts and Ctrl+C without sending traffic off the machine.
    /// </summary>
    public sealed class UnansweredEndPoint : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = new List<Socket>();

        public UnansweredEndPoint()
        {
            _listener = RawPeer.Listen(backlog: 0);
            Port = RawPeer.PortOf(_listener);
            for (int i = 0; i < 16; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _fillers.Add(filler);
                if (!filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port)).Wait(300))
                {
                    return;
                }
            }

            throw new InvalidOperationException("Could not fill the listen backlog: every connect was answered.");
        }

        public int Port { get; }

        public void Dispose()
        {
            foreach (Socket filler in _fillers)
            {
                filler.Dispose();
            }

            _listener.Dispose();
        }
    }
}
