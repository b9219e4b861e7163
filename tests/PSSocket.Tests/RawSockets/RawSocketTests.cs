using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using PSSocket.Framing;
using PSSocket.Sessions;
using PSSocket.Tests.Infrastructure;
using Xunit;

namespace PSSocket.Tests.RawSockets
{
    /// <summary>
    /// Raw sessions through the cmdlets (the tests run as root): ICMP echo over loopback byte for byte, the IP
    /// protocol by name and number, and the IPv4 header split off what arrives, against .NET raw sockets.
    /// </summary>
    public class RawSocketTests : CmdletTestBase
    {
        /// <summary>RFC 3692's protocol number for experiments: no other traffic on the machine uses it.</summary>
        private const int Experimental = 253;

        private static readonly Random Random = new Random();

        /// <summary>The echo reply to our request; the raw socket also sees other ICMP messages (our request itself, on loopback).</summary>
        private SocketDatagram ReceiveEchoReply(bool v6, ushort identifier, ushort sequence)
        {
            for (int seen = 0; seen < 50; seen++)
            {
                SocketDatagram datagram = PS.Run("$icmp | Receive-SocketData -AsByteArray -Timeout 10000").Single<SocketDatagram>();
                if (IcmpEcho.IsReplyTo(v6, (byte[])datagram.Data, identifier, sequence))
                {
                    return datagram;
                }
            }

            throw new InvalidOperationException("No echo reply among 50 ICMP messages.");
        }

        /// <summary>A plain raw socket of the experimental protocol, made with socket(2): .NET's constructor does not take 253.</summary>
        private static Socket ExperimentalPeer() =>
            NativeRawSocket.TryOpen(AddressFamily.InterNetwork, Experimental) ?? throw new InvalidOperationException("socket(2) is not available.");

        private static (ushort Identifier, byte[] Payload) NewEcho()
        {
            var payload = new byte[48];
            Random.NextBytes(payload);
            return ((ushort)Random.Next(1, 65535), payload);
        }

        [Fact]
        public void AnIcmpEchoToIPv4LoopbackComesBackByteForByte()
        {
            (ushort identifier, byte[] payload) = NewEcho();
            byte[] request = IcmpEcho.NewRequest(false, identifier, 7, payload);
            PS.SetVariable("request", request);
            SocketSession session = PS.Run("$icmp = Connect-Socket 127.0.0.1 -IPProtocol Icmp; $icmp | Send-SocketData -Data $request -PassThru").Single<SocketSession>();

            SocketDatagram reply = ReceiveEchoReply(false, identifier, 7);

            byte[] bytes = (byte[])reply.Data;
            Assert.Equal(SocketProtocol.Raw, session.Protocol);
            Assert.Equal(1, session.IPProtocol!.Number);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), session.RemoteEndPoint);
            Assert.Equal(0, bytes[1]);
            Assert.Equal(payload, IcmpEcho.PayloadOf(bytes));
            Assert.Equal(0, IcmpEcho.Checksum(bytes));
            Assert.Equal(IPAddress.Loopback, ((IPEndPoint)reply.RemoteEndPoint!).Address);
            IPv4Header header = reply.IPHeader!;
            Assert.Equal(1, header.Protocol);
            Assert.Equal(IPAddress.Loopback, header.Source);
            Assert.Equal(IPAddress.Loopback, header.Destination);
            Assert.Equal(header.HeaderLength + bytes.Length, header.TotalLength);
            Assert.Equal(request.Length, session.BytesSent);
        }

        [Fact]
        public void AnIcmpV6EchoToIPv6LoopbackComesBackByteForByte()
        {
            (ushort identifier, byte[] payload) = NewEcho();
            PS.SetVariable("request", IcmpEcho.NewRequest(true, identifier, 3, payload));
            PS.Run("$icmp = New-Socket -IPProtocol IcmpV6 -AddressFamily IPv6; $icmp | Send-SocketData -Data $request -ComputerName ::1").ThrowOnError();

            SocketDatagram reply = ReceiveEchoReply(true, identifier, 3);

            byte[] bytes = (byte[])reply.Data;
            Assert.Equal(payload, IcmpEcho.PayloadOf(bytes));
            Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)reply.RemoteEndPoint!).Address);
            Assert.Null(reply.IPHeader); // IPv6 raw sockets receive no IP header
            Assert.Equal(SocketState.Bound, PS.Run("$icmp.State").Single<SocketState>());
        }

        [Theory]
        [InlineData("Icmp", 1, "Icmp")]
        [InlineData("icmpv6", 58, "IcmpV6")]
        [InlineData("1", 1, "Icmp")]
        [InlineData("58", 58, "IcmpV6")]
        [InlineData("([System.Net.Sockets.ProtocolType]::IcmpV6)", 58, "IcmpV6")]
        [InlineData("253", 253, "253")]
        [InlineData("0", 0, "0")]
        public void TheIPProtocolIsTakenByNameOrNumber(string given, int number, string name)
        {
            SocketSession session = PS.Run($"New-Socket -IPProtocol {given}").Single<SocketSession>();

            Assert.Equal(SocketProtocol.Raw, session.Protocol);
            Assert.Equal(number, session.IPProtocol!.Number);
            Assert.Equal(name, session.IPProtocol.ToString());
        }

        [Theory]
        [InlineData("256")]
        [InlineData("-1")]
        [InlineData("Icmpv7")]
        public void AnIPProtocolThatIsNoneIsRefusedWhenBound(string given)
        {
            ScriptResult result = PS.Run($"New-Socket -Protocol Raw -IPProtocol {given}");

            Assert.Equal(new[] { "ParameterArgumentTransformationError" }, result.ErrorIds);
            Assert.Equal(0, PS.Run("@(Get-Socket).Count").Single<int>());
        }

        [Fact]
        public void AnIPv4PayloadArrivesWithoutItsHeaderWhichTheDatagramKeeps()
        {
            using Socket sender = ExperimentalPeer();
            var payload = new byte[300];
            Random.NextBytes(payload);
            PS.Run($"$raw = New-Socket -IPProtocol {Experimental} -LocalAddress 127.0.0.1").ThrowOnError();

            sender.SendTo(payload, new IPEndPoint(IPAddress.Loopback, 0));
            SocketDatagram datagram = PS.Run("$raw | Receive-SocketData -AsByteArray -Timeout 10000").Single<SocketDatagram>();

            Assert.Equal(payload, (byte[])datagram.Data);
            IPv4Header header = datagram.IPHeader!;
            Assert.Equal(Experimental, header.Protocol);
            Assert.Equal(20, header.HeaderLength);
            Assert.Equal(20 + payload.Length, header.TotalLength);
            Assert.True(header.TimeToLive > 0);
            Assert.Equal(4, header.GetBytes()[0] >> 4);
            Assert.Equal(payload.Length, PS.Run("$raw.BytesReceived").Single<long>()); // the header is not counted as received data
        }

        [Fact]
        public void ASentPayloadIsOneIPPacketOfTheSessionsProtocol()
        {
            using Socket receiver = ExperimentalPeer();
            receiver.ReceiveTimeout = 10000;
            receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var payload = new byte[1000];
            Random.NextBytes(payload);
            PS.SetVariable("payload", payload);

            PS.Run($"New-Socket -IPProtocol {Experimental} | Send-SocketData -Data $payload -ComputerName 127.0.0.1 -PassThru | Close-Socket").ThrowOnError();

            var packet = new byte[2000];
            int count = receiver.Receive(packet);
            int headerLength = (packet[0] & 0x0F) * 4;
            Assert.Equal(Experimental, packet[9]);
            Assert.Equal(payload, packet.Skip(headerLength).Take(count - headerLength).ToArray());
        }

        [Fact]
        public void APayloadLargerThanAnIPv4PacketCarriesIsNotSent()
        {
            PS.SetVariable("big", new byte[65_516]);
            ScriptResult result = PS.Run($"$raw = New-Socket -IPProtocol {Experimental} -LocalAddress 127.0.0.1; $raw | Send-SocketData -Data $big -ComputerName 127.0.0.1");

            Assert.Equal(new[] { "DatagramTooLarge" }, result.ErrorIds);
            Assert.Equal(0, PS.Run("$raw.DatagramsSent").Single<long>());
        }

        [Fact]
        public void StreamFramingOnARawSessionIsNotAStreamSession()
        {
            ScriptResult result = PS.Run($"$raw = New-Socket -IPProtocol {Experimental} -LocalAddress 127.0.0.1; $raw | Receive-SocketData -Line -Timeout 100");

            Assert.Equal(new[] { "NotAStreamSession" }, result.ErrorIds);
        }
    }
}
