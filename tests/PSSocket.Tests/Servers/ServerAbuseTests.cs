using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>
    /// Every server mode under abuse, at CI sizes (the large figures are in the idle-attack benchmark): silent
    /// connections do not stop new clients, an unterminated line costs only its own connection, and connect/close
    /// floods leave sessions, descriptors and threads where they started. Serial: it counts the process's threads and fds.
    /// </summary>
    [Collection(SerialCollection.Name)]
    public sealed class ServerAbuseTests : ServerTestBase
    {
        private const int Idle = 30;
        private const int NewClients = 10;
        private const string LineHandler = "-ScriptBlock { param($s) $x = $s | Receive-SocketData -Line; $s | Send-SocketData \"line:$x\" -Line }";

        public static TheoryData<string> Modes => new TheoryData<string> { "Echo", "Greeting", "Broadcast", "ScriptBlock" };

        private static string Arguments(string mode) => mode switch
        {
            "Echo" => "-Echo",
            "Greeting" => "-Greeting 'hi'",
            "Broadcast" => "-Broadcast",
            _ => LineHandler,
        };

        [Theory]
        [MemberData(nameof(Modes))]
        public void SilentConnectionsDoNotStopNewClients(string mode)
        {
            SocketSession listener = StartServer(Arguments(mode));
            int port = PortOf(listener);
            var idle = new List<Socket>();
            try
            {
                for (int i = 0; i < Idle; i++)
                {
                    idle.Add(RawPeer.Connect(port));
                }

                if (mode != "Greeting")
                {
                    WaitUntil(() => listener.Server!.Active >= Idle, "the silent connections accepted");
                }

                Assert.Equal(NewClients, mode == "Broadcast" ? BroadcastServed(listener) : Served(port, mode));
            }
            finally
            {
                idle.ForEach(s => s.Dispose());
            }
        }

        /// <summary>New clients at once, each with the mode's exchange; how many got their answer within 10 s.</summary>
        private static int Served(int port, string mode)
        {
            string expected = mode switch { "Echo" => "ping\n", "Greeting" => "hi", _ => "line:ping\n" };
            // Each client on a thread of its own, as clients in other processes would be: ten blocking clients on the
            // thread pool would starve the server's asynchronous work of the pool threads it completes on.
            bool[] served = Task.WhenAll(Enumerable.Range(0, NewClients).Select(_ => Task.Factory.StartNew(() =>
            {
                using Socket client = RawPeer.Connect(port);
                if (mode != "Greeting")
                {
                    client.Send(Encoding.ASCII.GetBytes("ping\n"));
                }

                return Encoding.ASCII.GetString(ReceiveUpTo(client, expected.Length)) == expected;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).Result;
            return served.Count(s => s);
        }

        /// <summary>New clients join; one more speaks; how many of the new ones hear it within 10 s.</summary>
        private static int BroadcastServed(SocketSession server)
        {
            int port = PortOf(server);
            int before = server.Server!.Active;
            var listeners = Enumerable.Range(0, NewClients).Select(_ => RawPeer.Connect(port)).ToList();
            try
            {
                using Socket speaker = RawPeer.Connect(port);
                Task<bool>[] heard = listeners.Select(l => Task.Factory.StartNew(() => HearsHello(l), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
                Wait.Until(() => server.Server.Active >= before + NewClients + 1, "every new member accepted", 10_000);
                System.Threading.Thread.Sleep(200); // and joined, before the line goes out
                speaker.Send(Encoding.ASCII.GetBytes("hello\n"));
                return Task.WhenAll(heard).Result.Count(h => h);
            }
            finally
            {
                listeners.ForEach(s => s.Dispose());
            }
        }

        /// <summary>Reads (at most 10 s) until "hello" and a newline arrive, past whatever other members relayed before (an unterminated flood glues onto it).</summary>
        private static bool HearsHello(Socket socket)
        {
            socket.ReceiveTimeout = 10_000;
            var watch = Stopwatch.StartNew();
            var tail = new StringBuilder();
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while (watch.ElapsedMilliseconds < 10_000 && (n = socket.Receive(buffer)) > 0)
                {
                    tail.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    string text = tail.ToString();
                    if (text.Contains("hello\n", StringComparison.Ordinal))
                    {
                        return true;
                    }

                    tail.Remove(0, Math.Max(0, tail.Length - 8));
                }
            }
            catch (SocketException)
            {
                // Not served in time.
            }

            return false;
        }

        private static byte[] ReceiveUpTo(Socket socket, int count)
        {
            socket.ReceiveTimeout = 10_000;
            var got = new byte[count];
            int total = 0;
            try
            {
                int n;
                while (total < count && (n = socket.Receive(got, total, count - total, SocketFlags.None)) > 0)
                {
                    total += n;
                }
            }
            catch (SocketException)
            {
                // Not served in time.
            }

            return got.AsSpan(0, total).ToArray();
        }

        [Theory]
        [InlineData("ScriptBlock")]
        [InlineData("Broadcast")]
        [InlineData("Echo")]
        public void AnUnterminatedLineCostsOnlyItsOwnConnection(string mode)
        {
            SocketSession listener = StartServer(Arguments(mode));
            int port = PortOf(listener);
            using Socket flooder = RawPeer.Connect(port);
            var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
            Task flooding = Task.Run(() =>
            {
                try
                {
                    flooder.SendTimeout = 10_000;
                    for (int i = 0; i < 32; i++)
                    {
                        flooder.Send(chunk); // 2 MiB, no newline
                    }
                }
                catch (SocketException)
                {
                    // The server may close a flooder or stop reading it; either is its right.
                }
            });

            Assert.Equal(NewClients, mode == "Broadcast" ? BroadcastServed(listener) : Served(port, mode));
            flooder.Close();
            flooding.Wait(15_000);
            WaitUntil(() => listener.Server!.Active == 0, "every connection closed after the flooder left", 15_000);
        }

        [Theory]
        [InlineData("Echo")]
        [InlineData("Greeting")]
        [InlineData("ScriptBlock")]
        public void EveryModeServesClientsWhoseBytesArriveOneAtATime(string mode)
        {
            SocketSession listener = StartServer(Arguments(mode));
            using var proxy = new FaultProxy(PortOf(listener), FaultRule.Pieces(1), FaultRule.Pieces(1));
            Assert.Equal(NewClients, Served(proxy.Port, mode));
        }

        [Theory]
        [MemberData(nameof(Modes))]
        public void ConnectCloseFloodsLeaveSessionsFdsAndThreadsWhereTheyStarted(string mode)
        {
            SocketSession listener = StartServer(Arguments(mode));
            int port = PortOf(listener);
            Cycles(port, 100);
            WaitUntil(() => listener.Server!.Accepted == 100 && listener.Server.Active == 0, "warm-up connections closed", 10_000);
            int sessions = Sessions();
            int fds = OpenDescriptors();
            int threads = ProcessThreads();

            Cycles(port, 300);

            // Connections close on the server just after the client; pool threads retire when idle.
            var settle = Stopwatch.StartNew();
            while (settle.ElapsedMilliseconds < 20_000 && !(listener.Server!.Accepted == 400 && Sessions() <= sessions && OpenDescriptors() <= fds && ProcessThreads() <= threads + 2))
            {
                System.Threading.Thread.Sleep(100);
            }

            Assert.Equal(400, listener.Server!.Accepted);
            Assert.Equal(0, listener.Server.Active);
            Assert.Equal((sessions, 0, 0), (Sessions(), Math.Max(0, OpenDescriptors() - fds), Math.Max(0, ProcessThreads() - threads - 2)));
        }

        /// <summary>Connect/close cycles from 8 threads at once, so the warm-up grows every pool as far as the flood will.</summary>
        private static void Cycles(int port, int count)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                using Socket client = RawPeer.Connect(port);
                client.Shutdown(SocketShutdown.Send);
            });
        }

        private int Sessions() => (int)PS.Run("@(Get-Socket).Count").Output[0].BaseObject;

        /// <summary>Open socket and pipe descriptors (assemblies the runtime maps lazily are no leak, so files are not counted).</summary>
        private static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Count(fd =>
        {
            try
            {
                string target = new FileInfo(fd).LinkTarget ?? string.Empty;
                return target.StartsWith("socket:", StringComparison.Ordinal) || target.StartsWith("pipe:", StringComparison.Ordinal)
                    || target.StartsWith("anon_inode:", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false; // closed while listed
            }
        });

        private static int ProcessThreads() =>
            int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal)).Substring(8).Trim());
    }
}
