using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;
using Xunit;

namespace PSSocket.Tests.Engine
{
    /// <summary>
    /// Random data, cut into random pieces on a real loopback connection, read back with a random mix of
    /// receive modes: what the modes return, plus the delimiters they consume, must be the data exactly.
    /// </summary>
    public class FramingPropertyTests
    {
        [Theory]
        [InlineData(11)]
        [InlineData(22)]
        [InlineData(33)]
        [InlineData(44)]
        [InlineData(55)]
        public async Task EveryModeMixTogetherNeverDropsDuplicatesOrReordersAByte(int seed)
        {
            var random = new Random(seed);
            // A small alphabet makes delimiters and line ends common.
            const string alphabet = "ab\r\n|;xyz";
            byte[] data = new byte[random.Next(20_000, 200_000)];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)alphabet[random.Next(alphabet.Length)];
            }

            var registry = new SessionRegistry();
            using SocketSession listener = TestSessions.CreateListener(new SocketSettings(), registry, new IPEndPoint(IPAddress.Loopback, 0), 4);
            using Socket writer = RawPeer.Connect(((IPEndPoint)listener.LocalEndPoint!).Port);
            using SocketSession reader = listener.Accept(5000, CancellationToken.None);

            Task writing = Task.Run(() =>
            {
                var pieceRandom = new Random(seed + 1);
                for (int offset = 0; offset < data.Length;)
                {
                    int size = Math.Min(pieceRandom.Next(1, 5000), data.Length - offset);
                    writer.Send(data, offset, size, SocketFlags.None);
                    offset += size;
                }

                writer.Shutdown(SocketShutdown.Send);
            });

            var rebuilt = new List<byte>();
            var receiver = reader.GetReceiver();
            byte[] lf = { (byte)'\n' };
            byte[] cr = { (byte)'\r' };
            byte[] delimiter = { (byte)'|', (byte)';' };
            Deadline deadline = Deadline.After(20_000);
            while (true)
            {
                byte[]? got;
                switch (random.Next(4))
                {
                    case 0:
                        got = receiver.ReceiveAvailable(null, deadline, CancellationToken.None);
                        if (got != null)
                        {
                            rebuilt.AddRange(got);
                        }

                        break;
                    case 1:
                        got = ReadExactlyOrRest(receiver, random.Next(1, 3000), deadline);
                        if (got != null)
                        {
                            rebuilt.AddRange(got);
                        }

                        break;
                    case 2:
                        got = ReadRecord(receiver, lf, cr, deadline, rebuilt, data);
                        break;
                    default:
                        got = ReadRecord(receiver, delimiter, null, deadline, rebuilt, data);
                        break;
                }

                if (got == null)
                {
                    break;
                }
            }

            await writing;
            Assert.Equal(data.Length, rebuilt.Count);
            Assert.True(data.SequenceEqual(rebuilt), "the bytes read back differ from the bytes sent");
            Assert.Equal(data.Length, reader.BytesReceived);
        }

        /// <summary>An exact count, or at end of stream (EndOfStream error) whatever short remainder is left.</summary>
        private static byte[]? ReadExactlyOrRest(PSSocket.Framing.SessionReceiver receiver, int count, Deadline deadline)
        {
            try
            {
                return receiver.ReceiveExactly(count, deadline, CancellationToken.None);
            }
            catch (PSSocket.Errors.SocketSessionException e) when (e.ErrorId == PSSocket.Errors.ErrorIds.EndOfStream)
            {
                Assert.True(receiver.EndOfStream);
                Assert.InRange(receiver.Buffered, 0, count - 1);
                return receiver.ReceiveAvailable(null, deadline, CancellationToken.None);
            }
        }

        /// <summary>Reads a record and puts back what the framing consumed, judged against the original data.</summary>
        private static byte[]? ReadRecord(PSSocket.Framing.SessionReceiver receiver, byte[] delimiter, byte[]? trailer, Deadline deadline, List<byte> rebuilt, byte[] data)
        {
            byte[]? record = receiver.ReceiveUntil(delimiter, trailer, deadline, CancellationToken.None);
            if (record == null)
            {
                return null;
            }

            rebuilt.AddRange(record);
            int at = rebuilt.Count;
            if (trailer != null && at + trailer.Length + delimiter.Length <= data.Length && data.Skip(at).Take(trailer.Length).SequenceEqual(trailer)
                && data.Skip(at + trailer.Length).Take(delimiter.Length).SequenceEqual(delimiter))
            {
                rebuilt.AddRange(trailer);
            }

            at = rebuilt.Count;
            if (at + delimiter.Length <= data.Length && data.Skip(at).Take(delimiter.Length).SequenceEqual(delimiter))
            {
                rebuilt.AddRange(delimiter);
            }

            return record;
        }
    }
}
