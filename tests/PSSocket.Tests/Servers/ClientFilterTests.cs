using System.Net;
using PSSocket.Errors;
using PSSocket.Servers;
using Xunit;

namespace PSSocket.Tests.Servers
{
    public class ClientFilterTests
    {
        [Theory]
        [InlineData("127.0.0.1", "127.0.0.1", true)]
        [InlineData("127.0.0.1", "127.0.0.2", false)]
        [InlineData("10.0.0.0/8", "10.200.3.4", true)]
        [InlineData("10.0.0.0/8", "11.0.0.1", false)]
        [InlineData("192.168.1.0/25", "192.168.1.127", true)]
        [InlineData("192.168.1.0/25", "192.168.1.128", false)]
        [InlineData("0.0.0.0/0", "203.0.113.9", true)]
        [InlineData("::1", "::1", true)]
        [InlineData("fd00::/8", "fd12:3456::1", true)]
        [InlineData("fd00::/8", "fe80::1", false)]
        [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
        [InlineData("::ffff:10.1.2.3", "10.1.2.3", true)]
        [InlineData("127.0.0.1", "::1", false)]
        public void MatchesAddressesAndSubnets(string entry, string client, bool allowed)
        {
            ClientFilter filter = ClientFilter.Parse(new[] { entry });
            Assert.Equal(allowed, filter.Allows(IPAddress.Parse(client)));
        }

        [Fact]
        public void AnyEntryMayMatch()
        {
            ClientFilter filter = ClientFilter.Parse(new[] { "10.0.0.0/8", " 127.0.0.1 ", "::1" });
            Assert.True(filter.Allows(IPAddress.Loopback));
            Assert.True(filter.Allows(IPAddress.IPv6Loopback));
            Assert.False(filter.Allows(IPAddress.Parse("192.0.2.1")));
            Assert.False(filter.Allows(null));
            Assert.Equal(new[] { "10.0.0.0/8", "127.0.0.1", "::1" }, filter.Entries);
        }

        [Theory]
        [InlineData("localhost")]
        [InlineData("10.0.0.0/33")]
        [InlineData("::1/129")]
        [InlineData("10.0.0.0/")]
        [InlineData("10.0.0.0/-1")]
        [InlineData("")]
        public void RejectsWhatIsNotAnAddressOrSubnet(string entry)
        {
            var error = Assert.Throws<SocketSessionException>(() => ClientFilter.Parse(new[] { entry }));
            Assert.Equal(ErrorIds.InvalidClientAddress, error.ErrorId);
        }
    }
}
