using System.IO;
using System.Net;
using System.Net.Sockets;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.UnixSockets
{
    /// <summary>Closing a Unix listener removes the socket file it created, and nothing that took its place.</summary>
    public class SocketFileCleanupTests : System.IDisposable
    {
        private readonly TempSocketPath _path = new TempSocketPath("fc");
        private readonly SessionRegistry _registry = new SessionRegistry();

        public void Dispose() => _path.Dispose();

        private SocketSession Listener() =>
            TestSessions.CreateUnixListener(new SocketSettings { Protocol = SocketProtocol.UnixStream }, _registry, _path.Path, 4);

        [Fact]
        public void ClosingRemovesTheListenersOwnSocketFile()
        {
            Listener().Close();
            Assert.False(_path.Exists);
        }

        [Fact]
        public void ARegularFilePutInItsPlaceSurvivesTheClose()
        {
            SocketSession listener = Listener();
            File.Delete(_path.Path);
            File.WriteAllText(_path.Path, "keep me");
            listener.Close();
            Assert.Equal("keep me", File.ReadAllText(_path.Path));
        }

        [Fact]
        public void AnotherProcessesLiveSocketInItsPlaceSurvivesTheClose()
        {
            SocketSession listener = Listener();
            File.Delete(_path.Path);
            using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            other.Bind(new UnixBindEndPoint(_path.Path));
            other.Listen(1);
            listener.Close();
            Assert.True(_path.Exists, "the other socket's file was removed");
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(UnixEndPoints.Create(_path.Path, null));
        }

        [Fact]
        public void ASymbolicLinkToItsOwnSocketIsNotFollowed()
        {
            SocketSession listener = Listener();
            string moved = _path.Path + ".moved";
            File.Move(_path.Path, moved);
            try
            {
                File.CreateSymbolicLink(_path.Path, moved);
                listener.Close();
                Assert.True(File.Exists(moved), "the link's target was removed");
                Assert.NotNull(new FileInfo(_path.Path).LinkTarget);
            }
            finally
            {
                File.Delete(moved);
            }
        }

        [Fact]
        public void TheListenersOwnFileHasADeviceAndInode()
        {
            using SocketSession listener = Listener();
            FileIdentity? identity = UnixFileStatus.Socket(_path.Path);
            Assert.NotNull(identity);
            Assert.NotEqual(0UL, identity!.Value.Inode);
            Assert.Null(UnixFileStatus.Socket("/tmp"));
        }
    }
}
