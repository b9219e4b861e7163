using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>The server engine without PowerShell: SocketServer and the echo, greeting and broadcast modes, with raw clients.</summary>
    public sealed class ServerEngineTests : ServerEngineTestBase
    {
        public ServerEngineTests()
            : base(waitMs: 5000)
        {
        }

        private (SocketServer server, CollectingReporter reporter) Serve(IConnectionHandler handler) =>
            Serve(handler, new ServerOptions { LogConnections = true });

        [Fact]
        public void GreetingDiscardOnAConnectionClosedMeanwhileIsNoFailure()
        {
            SocketSession listener = NewListener();
            using Socket raw = RawPeer.Connect(((IPEndPoint)listener.LocalEndPoint!).Port);
            SocketSession connection = listener.Accept(5000, CancellationToken.None);
            connection.Close(); // as the server's stop does while a greeting is under way
            var server = new SocketServer(listener, new GreetingHandler(new byte[0], false), new ServerOptions());
            var discard = typeof(GreetingHandler).GetMethod("DiscardWhatArrived", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
            discard.Invoke(null, new object[] { connection, server });
        }

        private static byte[] ReceiveExactly(Socket socket, int count)
        {
            var data = new byte[count];
            int total = 0;
            while (total < count)
            {
                int n = socket.Receive(data, total, count - total, SocketFlags.None);
                Assert.True(n > 0, $"the connection ended after {total} of {count} bytes");
                total += n;
            }

            return data;
        }

        private static void AssertNothingArrives(Socket socket, int waitMs = 150)
        {
            Thread.Sleep(waitMs);
            Assert.Equal(0, socket.Available);
        }

        private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        // ---- echo ----------------------------------------------------------------------------------------------

        [Fact]
        public async Task EchoServesManyClientsAtOnceByteForByteAndCountsThem()
        {
            const int clients = 16;
            const int size = 256 * 1024;
            (SocketServer server, CollectingReporter reporter) = Serve(new EchoHandler());
            Socket[] sockets = Enumerable.Range(0, clients).Select(_ => Connect(server)).ToArray();
            WaitUntil(() => server.Statistics.Active == clients, "every client accepted");

            byte[][] payloads = Enumerable.Range(0, clients).Select(i => RawPeer.RandomBytes(size, seed: 100 + i)).ToArray();
            // Each client on threads of its own, as clients in other processes would be: 32 blocking calls on the
            // thread pool would starve the server's asynchronous work of the pool threads it completes on.
            byte[][] echoes = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => OnOwnThread(() =>
            {
                Task send = OnOwnThread(() =>
                {
                    sockets[i].Send(payloads[i]);
                    sockets[i].Shutdown(SocketShutdown.Send);
                    return true;
                });
                byte[] echo = RawPeer.ReceiveToEnd(sockets[i]);
                send.Wait();
                return echo;
            })));

            for (int i = 0; i < clients; i++)
            {
                Assert.True(payloads[i].SequenceEqual(echoes[i]), $"client {i}: the echo differs from what it sent");
            }

            WaitUntil(() => server.Statistics.Active == 0, "every connection closed");
            Assert.Equal(clients, server.Statistics.Accepted);
            Assert.Equal((long)clients * size, server.Statistics.BytesReceived);
            Assert.Equal((long)clients * size, server.Statistics.BytesSent);
            Assert.Equal(0, server.Statistics.Refused);
            Assert.Equal(new[] { server.Listener }, Registry.Snapshot());
            Assert.Empty(reporter.Errors);
        }

        [Fact]
        public void AcceptedConnectionsAreRegisteredSessionsUntilTheyClose()
        {
            (SocketServer server, _) = Serve(new EchoHandler());
            Socket first = Connect(server);
            Connect(server);
            Connect(server);
            WaitUntil(() => server.Statistics.Active == 3, "three accepted");

            List<SocketSession> accepted = Registry.Snapshot().Where(s => s.Role == SocketRole.Accepted).ToList();
            Assert.Equal(3, accepted.Count);
            Assert.All(accepted, s => Assert.Equal(SocketState.Connected, s.State));
            Assert.Contains(accepted, s => s.RemoteEndPoint!.Equals(first.LocalEndPoint));

            first.Shutdown(SocketShutdown.Send);
            Assert.Empty(RawPeer.ReceiveToEnd(first));
            WaitUntil(() => server.Statistics.Active == 2, "the first connection gone");
            Assert.Equal(2, Registry.Snapshot().Count(s => s.Role == SocketRole.Accepted));
            Assert.Same(server.Statistics, server.Listener.Server);
        }

        [Fact]
        public void ClosingTheListenerOfABusyEchoServerEndsEveryConnectionPromptly()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(new EchoHandler());
            Socket[] sockets = Enumerable.Range(0, 5).Select(_ => Connect(server)).ToArray();
            WaitUntil(() => server.Statistics.Active == 5, "five accepted");
            using var stopClients = new CancellationTokenSource();
            Task[] traffic = sockets.Select(socket => Task.Factory.StartNew(() =>
            {
                var chunk = RawPeer.RandomBytes(8192, 1);
                var sink = new byte[65536];
                try
                {
                    while (!stopClients.IsCancellationRequested)
                    {
                        socket.Send(chunk);
                        if (socket.Receive(sink) == 0)
                        {
                            return;
                        }
                    }
                }
                catch (SocketException)
                {
                    // The server closed the connection: what the test waits for.
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            WaitUntil(() => server.Statistics.BytesSent > 100_000, "traffic flowing");

            var watch = Stopwatch.StartNew();
            server.Listener.Close();
            Assert.True(server.WaitForStop(2000), "the server did not stop");
            long closeMs = watch.ElapsedMilliseconds;
            Assert.InRange(closeMs, 0, 2000);
            Assert.Equal(ServerState.Stopped, server.Statistics.State);
            Assert.NotNull(server.Statistics.StoppedAt);
            Assert.Equal(0, server.Statistics.Active);
            Assert.Empty(Registry.Snapshot());
            Assert.True(Task.WaitAll(traffic, 5000), "the clients did not see their connections end");
            stopClients.Cancel();
            Assert.False(server.StoppedByRequest);
            Assert.DoesNotContain(reporter.Errors, e => e.ErrorId == ErrorIds.ServerFailed || e.ErrorId == ErrorIds.HandlerTimedOut);
        }

        [Fact]
        public void StopEndsTheServerAsRequestedAndRaisesFinishedOnce()
        {
            (SocketServer server, _) = Serve(new EchoHandler());
            Socket client = Connect(server);
            WaitUntil(() => server.Statistics.Active == 1, "accepted");
            int finished = 0;
            server.Finished += _ => Interlocked.Increment(ref finished);

            server.Stop();
            server.Stop();
            server.Listener.Close();

            Assert.True(server.WaitForStop(5000));
            Assert.True(server.StoppedByRequest);
            Assert.Equal(SocketState.Closed, server.Listener.State);
            Assert.Empty(RawPeer.ReceiveToEnd(client));
            Assert.Equal(1, finished);
        }

        [Fact]
        public void AnIdleTimeoutClosesQuietClients()
        {
            (SocketServer server, _) = Serve(new EchoHandler(), new ServerOptions { IdleTimeout = 200 });
            Socket quiet = Connect(server);
            var watch = Stopwatch.StartNew();
            Assert.Empty(RawPeer.ReceiveToEnd(quiet));
            Assert.InRange(watch.ElapsedMilliseconds, 100, 3000);
            WaitUntil(() => server.Statistics.Active == 0, "the quiet connection closed");
        }

        // ---- admission ------------------------------------------------------------------------------------------

        [Fact]
        public void MaxConnectionsRefusesTheExtraClientAndCountsIt()
        {
            (SocketServer server, _) = Serve(new EchoHandler(), new ServerOptions { MaxConnections = 2 });
            Socket first = Connect(server);
            Connect(server);
            WaitUntil(() => server.Statistics.Active == 2, "two accepted");

            Socket third = Connect(server);
            Assert.Empty(RawPeer.ReceiveToEnd(third));
            Assert.Equal(1, server.Statistics.Refused);
            Assert.Equal(2, server.Statistics.Accepted);

            first.Shutdown(SocketShutdown.Send);
            RawPeer.ReceiveToEnd(first);
            WaitUntil(() => server.Statistics.Active == 1, "a slot free again");
            Socket fourth = Connect(server);
            fourth.Send(Bytes("still served"));
            Assert.Equal("still served", Text(ReceiveExactly(fourth, 12)));
            Assert.Equal(3, server.Statistics.Accepted);
            Assert.Equal(2, server.Statistics.MaxConnections);
        }

        [Fact]
        public void AllowedClientRefusesOtherAddressesAndCountsThem()
        {
            var refusing = new ServerOptions { AllowedClients = ClientFilter.Parse(new[] { "10.0.0.0/8", "192.0.2.1" }) };
            (SocketServer closed, _) = Serve(new EchoHandler(), refusing);
            Assert.Empty(RawPeer.ReceiveToEnd(Connect(closed)));
            Assert.Empty(RawPeer.ReceiveToEnd(Connect(closed)));
            WaitUntil(() => closed.Statistics.Refused == 2, "two refused");
            Assert.Equal(0, closed.Statistics.Accepted);
            Assert.Equal(new[] { "10.0.0.0/8", "192.0.2.1" }, closed.Statistics.AllowedClients);

            (SocketServer open, _) = Serve(new EchoHandler(), new ServerOptions { AllowedClients = ClientFilter.Parse(new[] { "127.0.0.0/8" }) });
            Socket client = Connect(open);
            client.Send(Bytes("hi"));
            Assert.Equal("hi", Text(ReceiveExactly(client, 2)));
            Assert.Equal(0, open.Statistics.Refused);
        }

        // ---- greeting -------------------------------------------------------------------------------------------

        [Fact]
        public void GreetingSendsTheBytesAndClosesEachConnection()
        {
            byte[] greeting = RawPeer.RandomBytes(3000, 9);
            (SocketServer server, _) = Serve(new GreetingHandler(greeting, keepOpen: false));
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(greeting, RawPeer.ReceiveToEnd(Connect(server)));
            }

            WaitUntil(() => server.Statistics.Active == 0, "every greeted connection closed");
            Assert.Equal(5, server.Statistics.Accepted);
            Assert.Equal(5L * greeting.Length, server.Statistics.BytesSent);
            Assert.Equal(new[] { server.Listener }, Registry.Snapshot());
        }

        [Fact]
        public void GreetingWithKeepOpenHandsTheConnectionToTheReporter()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(new GreetingHandler(Bytes("220 ready\r\n"), keepOpen: true));
            Socket client = Connect(server);
            Assert.Equal("220 ready\r\n", Text(ReceiveExactly(client, 11)));
            WaitUntil(() => !reporter.Outputs.IsEmpty, "the connection reported");

            var accepted = Assert.IsType<SocketSession>(Assert.Single(reporter.Outputs));
            Assert.Equal(SocketState.Connected, accepted.State);
            Assert.Equal(client.LocalEndPoint, accepted.RemoteEndPoint);
            client.Send(Bytes("HELO test\r\n"));
            byte[]? line = accepted.GetReceiver().ReceiveUntil(Bytes("\n"), Bytes("\r"), PSSocket.Threading.Deadline.After(5000), CancellationToken.None);
            Assert.Equal("HELO test", Text(line!));
            Assert.Equal(1, server.Statistics.Active);

            accepted.Close();
            Assert.Empty(RawPeer.ReceiveToEnd(client));
            WaitUntil(() => server.Statistics.Active == 0, "closed by its user");
        }

        // ---- broadcast ------------------------------------------------------------------------------------------

        [Fact]
        public void BroadcastRelaysWholeLinesToEveryOtherClientOnly()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(new BroadcastHandler("quit"));
            Socket a = Connect(server), b = Connect(server), c = Connect(server);
            WaitUntil(() => server.Statistics.Active == 3, "three members");

            a.Send(Bytes("one\ntwo\nthr"));
            Assert.Equal("one\ntwo\n", Text(ReceiveExactly(b, 8)));
            Assert.Equal("one\ntwo\n", Text(ReceiveExactly(c, 8)));
            AssertNothingArrives(b);
            a.Send(Bytes("ee\r\n"));
            Assert.Equal("three\r\n", Text(ReceiveExactly(b, 7)));
            Assert.Equal("three\r\n", Text(ReceiveExactly(c, 7)));

            c.Send(Bytes("from c\n"));
            Assert.Equal("from c\n", Text(ReceiveExactly(a, 7)));
            Assert.Equal("from c\n", Text(ReceiveExactly(b, 7)));
            AssertNothingArrives(a);
            AssertNothingArrives(c);
            Assert.Empty(reporter.Errors);
        }

        [Fact]
        public void TheQuitWordAloneOnALineGetsAFarewellAndDisconnectsOnlyThatClient()
        {
            (SocketServer server, _) = Serve(new BroadcastHandler("bye"));
            Socket a = Connect(server), b = Connect(server), c = Connect(server);
            WaitUntil(() => server.Statistics.Active == 3, "three members");

            b.Send(Bytes("quit is just a word here\n  BYE \r\nnot relayed\n"));
            Assert.Equal("quit is just a word here\n", Text(ReceiveExactly(a, 25)));
            Assert.Equal("quit is just a word here\n", Text(ReceiveExactly(c, 25)));
            Assert.Equal(BroadcastHandler.FarewellText, Text(RawPeer.ReceiveToEnd(b)));
            WaitUntil(() => server.Statistics.Active == 2, "the leaver dropped");

            a.Send(Bytes("still here\n"));
            Assert.Equal("still here\n", Text(ReceiveExactly(c, 11)));
            AssertNothingArrives(c);
        }

        [Fact]
        public void AClientThatVanishesIsDroppedWithoutDisturbingTheOthers()
        {
            (SocketServer server, CollectingReporter reporter) = Serve(new BroadcastHandler("quit"));
            Socket a = Connect(server), b = Connect(server), c = Connect(server);
            WaitUntil(() => server.Statistics.Active == 3, "three members");

            b.LingerState = new LingerOption(true, 0);
            b.Dispose(); // a reset, not a goodbye
            for (int i = 0; i < 20; i++)
            {
                a.Send(Bytes($"line {i:00}\n"));
            }

            Assert.Equal(string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i:00}\n")), Text(ReceiveExactly(c, 20 * 8)));
            WaitUntil(() => server.Statistics.Active == 2, "the vanished client dropped");
            Assert.DoesNotContain(reporter.Errors, e => e.ErrorId == ErrorIds.ServerFailed);
        }

        // ---- starting -----------------------------------------------------------------------------------------

        [Fact]
        public void AServerNeedsAListeningSessionOfItsOwn()
        {
            (SocketServer server, _) = Serve(new EchoHandler());
            var second = new SocketServer(server.Listener, new EchoHandler(), new ServerOptions());
            Assert.Equal(ErrorIds.ListenerInUse, Assert.Throws<SocketSessionException>(second.Start).ErrorId);

            SocketSession closed = TestSessions.CreateListener(new SocketSettings(), Registry, new IPEndPoint(IPAddress.Loopback, 0), 4);
            closed.Close();
            var third = new SocketServer(closed, new EchoHandler(), new ServerOptions());
            Assert.Equal(ErrorIds.NotListening, Assert.Throws<SocketSessionException>(third.Start).ErrorId);
        }

        private static Task<T> OnOwnThread<T>(Func<T> work) =>
            Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
