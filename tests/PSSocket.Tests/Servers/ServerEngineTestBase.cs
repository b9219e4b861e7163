using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;

namespace PSSocket.Tests.Servers
{
    /// <summary>Engine tests of the servers: a loopback listener served by a handler, raw clients, all closed afterwards.</summary>
    public abstract class ServerEngineTestBase : IDisposable
    {
        private readonly List<Socket> _clients = new List<Socket>();
        private readonly int _waitMs;

        protected ServerEngineTestBase(int waitMs)
        {
            _waitMs = waitMs;
        }

        private protected SessionRegistry Registry { get; } = new SessionRegistry();

        public void Dispose()
        {
            _clients.ForEach(c => c.Dispose());
            Registry.CloseAll();
            GC.SuppressFinalize(this);
        }

        protected SocketSession NewListener() =>
            TestSessions.CreateListener(new SocketSettings(), Registry, new IPEndPoint(IPAddress.Loopback, 0), 64);

        private protected (SocketServer server, CollectingReporter reporter) Serve(IConnectionHandler handler, ServerOptions options)
        {
            var reporter = new CollectingReporter();
            var server = new SocketServer(NewListener(), handler, options) { Reporter = reporter };
            server.Start();
            return (server, reporter);
        }

        /// <summary>A raw client of the server, closed when the test ends; its reads wait as long as the test waits.</summary>
        private protected Socket Connect(SocketServer server)
        {
            Socket client = RawPeer.Connect(((IPEndPoint)server.Listener.LocalEndPoint!).Port);
            client.ReceiveTimeout = _waitMs;
            _clients.Add(client);
            return client;
        }

        protected void WaitUntil(Func<bool> condition, string what) => Wait.Until(condition, what, _waitMs);

        protected void WaitUntil(Func<bool> condition, string what, int timeoutMs) => Wait.Until(condition, what, timeoutMs);
    }
}
