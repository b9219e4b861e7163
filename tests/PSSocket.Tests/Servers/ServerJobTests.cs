using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Hosting;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.Servers
{
    /// <summary>A background server is a PowerShell job: Get-Job, Receive-Job, Wait-Job, Stop-Job and Remove-Job work on it.</summary>
    public class ServerJobTests : ServerTestBase
    {
        [Fact]
        public void GetJobShowsTheServerAndTheListenerCarriesItsJob()
        {
            SocketSession listener = StartServer("-Echo");
            var job = PS.Run("Get-Job").Single<SocketListenerJob>();
            Assert.Equal($"EchoServer{listener.Id}", job.Name);
            Assert.Equal(SocketListenerJob.JobTypeName, job.PSJobTypeName);
            Assert.Equal(JobState.Running, job.JobStateInfo.State);
            Assert.Equal($"127.0.0.1:{PortOf(listener)}", job.Location);
            Assert.Contains("Start-SocketListener -Echo", job.Command, StringComparison.Ordinal);
            Assert.Same(listener, job.Listener);
            Assert.Same(listener.Server, job.Server);
            Assert.Same(job, PS.Run("$l.Job").Single<SocketListenerJob>());
            Assert.Same(job, PS.Run("(Get-Socket -Id $l.Id).Job").Single<SocketListenerJob>());
            Assert.Contains("Echo server on 127.0.0.1", job.StatusMessage, StringComparison.Ordinal);
            Assert.False(job.HasMoreData);
        }

        [Fact]
        public void AsJobWritesTheJobWithItsListener()
        {
            var job = PS.Run("$j = Start-SocketListener -Echo -AsJob -JobName 'my echo'; $j").Single<SocketListenerJob>();
            Assert.Equal("my echo", job.Name);
            Assert.Equal("pong", PS.Run("$c = Connect-Socket 127.0.0.1 $j.Listener.LocalEndPoint.Port; $c | Send-SocketData 'pong'; $c | Receive-SocketData -Count 4 -Timeout 5000").Single<string>());
            Assert.Equal(1, job.Server.Accepted);
            Assert.Same(job, PS.Run("Get-Job -Name 'my echo'").Single<SocketListenerJob>());
        }

        [Fact]
        public void CloseSocketCompletesTheJobAndWaitJobReturnsIt()
        {
            StartServer("-Echo");
            ScriptResult closed = PS.Run("$l | Close-Socket -Verbose; Wait-Job $l.Job -Timeout 5").ThrowOnError();
            var job = Assert.IsType<SocketListenerJob>(closed.Output.Single().BaseObject);
            Assert.Equal(JobState.Completed, job.JobStateInfo.State);
            Assert.NotNull(job.PSEndTime);
            Assert.Equal(ServerState.Stopped, job.Server.State);
            Assert.Contains(closed.Verbose, v => v.Message.Contains("Echo server on", StringComparison.Ordinal) && v.Message.Contains("Stopped", StringComparison.Ordinal));
        }

        [Fact]
        public void StopJobStopsTheServerAndClosesItsConnections()
        {
            SocketSession listener = StartServer("-Echo");
            PS.Run("$c = Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port").ThrowOnError();
            WaitUntil(() => listener.Server!.Active == 1, "the client accepted");

            PS.Run("$l.Job | Stop-Job").ThrowOnError();

            Assert.Equal("Stopped", PS.Run("$l.Job.State.ToString()").Single<string>());
            Assert.Equal(SocketState.Closed, listener.State);
            Assert.Equal(0, listener.Server!.Active);
            Assert.True(PS.Run("$null = $c | Receive-SocketData -Timeout 5000; $c.RemoteClosed").Single<bool>());
            Assert.Equal(new[] { SocketRole.Client }, PS.Run("Get-Socket").All<SocketSession>().Select(s => s.Role));
        }

        [Fact]
        public void RemoveJobNeedsForceForARunningServerAndForceStopsIt()
        {
            SocketSession listener = StartServer("-Echo");
            ScriptResult refused = PS.Run("$l.Job | Remove-Job");
            Assert.NotEmpty(refused.AllErrors);
            Assert.Equal(ServerState.Running, listener.Server!.State);

            PS.Run("$l.Job | Remove-Job -Force").ThrowOnError();
            Assert.Empty(PS.Run("Get-Job").Output);
            Assert.Equal(ServerState.Stopped, listener.Server.State);
            Assert.Equal(SocketState.Closed, listener.State);
        }

        [Fact]
        public void WithVerboseTheJobRecordsEachConnection()
        {
            SocketSession listener = StartServer("-Greeting 'hi' -Verbose");
            PS.Run("Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port | Receive-SocketData -ToEnd -Timeout 5000 | Out-Null").ThrowOnError();
            WaitUntil(() => listener.Server!.Active == 0, "the greeted connection closed");

            ScriptResult verbose = PS.Run("Receive-Job $l.Job -Verbose 4>&1 | ForEach-Object { $_.Message }").ThrowOnError();
            string[] messages = verbose.All<string>().ToArray();
            Assert.Equal(2, messages.Length);
            Assert.StartsWith("Accepted 127.0.0.1:", messages[0], StringComparison.Ordinal);
            Assert.EndsWith("closed: 0 bytes received, 2 sent.", messages[1], StringComparison.Ordinal);

            SocketSession quiet = StartServer("-Greeting 'hi'");
            PS.Run("Connect-Socket 127.0.0.1 $l.LocalEndPoint.Port | Receive-SocketData -ToEnd -Timeout 5000 | Out-Null").ThrowOnError();
            WaitUntil(() => quiet.Server!.Active == 0, "the greeted connection closed");
            Assert.Empty(PS.Run("$l.Job").Single<SocketListenerJob>().Verbose);
        }

        [Fact]
        public void ClosingABusyEchoListenerIsPromptAndCompletesTheJob()
        {
            SocketSession listener = StartServer("-Echo");
            Socket[] clients = Enumerable.Range(0, 4).Select(_ => RawPeer.Connect(PortOf(listener))).ToArray();
            try
            {
                Task[] traffic = clients.Select(client => Task.Factory.StartNew(() =>
                {
                    byte[] chunk = RawPeer.RandomBytes(16384, 3);
                    var sink = new byte[65536];
                    try
                    {
                        while (true)
                        {
                            client.Send(chunk);
                            if (client.Receive(sink) == 0)
                            {
                                return;
                            }
                        }
                    }
                    catch (SocketException)
                    {
                        // The server closed the connection.
                    }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
                WaitUntil(() => listener.Server!.BytesSent > 1_000_000, "echo traffic flowing", 15_000);

                // Close-Socket waits at most 1 s for the server; the old close took up to 7 s.
                var watch = Stopwatch.StartNew();
                PS.Run("$l | Close-Socket").ThrowOnError();
                Assert.InRange(watch.ElapsedMilliseconds, 0, 3000);

                // Close-Socket waits at most 1 s; the echo threads may finish in the background.
                WaitUntil(() => PS.Run("$l.Job.State.ToString()").Single<string>() == "Completed", "the job completed");
                Assert.Empty(PS.Run("Get-Socket").Output);
                Assert.True(Task.WaitAll(traffic, 5000), "the clients' connections did not end");
                Assert.Empty(PS.Run("Receive-Job $l.Job").AllErrors);
            }
            finally
            {
                Array.ForEach(clients, c => c.Dispose());
            }
        }

        [Fact]
        public void ClosingTheRunspaceStopsItsServers()
        {
            var other = new PowerShellHarness();
            SocketSession listener = other.Run("Start-SocketListener -Echo").Single<SocketSession>();
            using Socket client = RawPeer.Connect(PortOf(listener));
            WaitUntil(() => listener.Server!.Active == 1, "the client accepted");

            other.Dispose();

            Assert.Equal(ServerState.Stopped, listener.Server!.State);
            Assert.Equal(SocketState.Closed, listener.State);
            Assert.Empty(RawPeer.ReceiveToEnd(client));
        }

        [Fact]
        public void RemoveModuleStopsTheRunspacesServers()
        {
            using var other = new PowerShellHarness();
            SocketSession listener = other.Run("Start-SocketListener -Broadcast").Single<SocketSession>();
            other.Run("Remove-Module PSSocket").ThrowOnError();
            Assert.Equal(ServerState.Stopped, listener.Server!.State);
            Assert.Equal("Completed", other.Run("(Get-Job).State.ToString()").Single<string>());
        }
    }
}
