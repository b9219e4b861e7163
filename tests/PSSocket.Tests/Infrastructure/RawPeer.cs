using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace PSSocket.Tests.Infrastructure
{
    /// <summary>Plain System.Net.Sockets peers the tests control, independent of the module's code.</summary>
    public static class RawPeer
    {
        public static Socket Listen(IPAddress? address = null, int backlog = 16)
        {
            address ??= IPAddress.Loopback;
            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(address, 0));
            listener.Listen(backlog);
            return listener;
        }

        public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

        /// <summary>A port on 127.0.0.1 that nobody listens on, so connecting to it is refused.</summary>
        public static int ClosedPort()
        {
            using Socket listener = Listen();
            return PortOf(listener);
        }

        public static Socket Connect(int port, IPAddress? address = null)
        {
            address ??= IPAddress.Loopback;
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(new IPEndPoint(address, port));
            return socket;
        }

        public static byte[] ReceiveToEnd(Socket socket, int timeoutMs = 10_000)
        {
            socket.ReceiveTimeout = timeoutMs;
            var all = new List<byte>();
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                all.AddRange(new ArraySegment<byte>(buffer, 0, n));
            }

            return all.ToArray();
        }

        public static byte[] RandomBytes(int count, int seed)
        {
            var bytes = new byte[count];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        /// <summary>Sends pieces with pauses between them, so the reader sees them arrive separately.</summary>
        public static void SendInPieces(Socket socket, IEnumerable<byte[]> pieces, int pauseMs = 30)
        {
            foreach (byte[] piece in pieces)
            {
                socket.Send(piece);
                Thread.Sleep(pauseMs);
            }
        }
    }
}
