using System.Linq;
using System.Net.Sockets;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.UnixSockets
{
    /// <summary>A Unix datagram larger than the receive queue's chunks arrives whole, between small ones.</summary>
    public sealed class UnixLargeDatagramTests : CmdletTestBase
    {
        private readonly TempSocketPath _server = new TempSocketPath("dl");

        public override void Dispose()
        {
            base.Dispose();
            _server.Dispose();
        }

        [Fact]
        public void ADatagramLargerThanAQueueChunkArrivesWhole()
        {
            PS.SetVariable("server", _server.Path);
            PS.Run("$s = Start-SocketListener -Protocol UnixDatagram -Path $server -ReceiveBufferSize 1048576").ThrowOnError();
            using var raw = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { SendBufferSize = 1024 * 1024 };
            byte[] large = RawPeer.RandomBytes(200_000, seed: 10);
            try
            {
                raw.SendTo(new byte[] { 1 }, UnixEndPoints.Create(_server.Path, null));
                raw.SendTo(large, UnixEndPoints.Create(_server.Path, null));
                raw.SendTo(new byte[] { 2 }, UnixEndPoints.Create(_server.Path, null));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                return; // this system cannot send a Unix datagram that large
            }

            ScriptResult result = PS.Run("Receive-SocketData $s -Count 3 -AsByteArray -Timeout 5000 | ForEach-Object { ,$_.GetBytes() }").ThrowOnError();
            var received = result.Output.Select(o => (byte[])o.BaseObject).ToList();
            Assert.Equal(new byte[] { 1 }, received[0]);
            Assert.Equal(large, received[1]);
            Assert.Equal(new byte[] { 2 }, received[2]);
        }
    }
}
