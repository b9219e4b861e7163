using System.Text;
using PSSocket.Text;
using Xunit;

namespace PSSocket.Tests.Engine
{
    public class TextBoundaryTests
    {
        [Theory]
        [InlineData("a€", 1, 1)] // a + first byte of €
        [InlineData("a€", 2, 1)]
        [InlineData("a€", 4, 4)]
        [InlineData("😀", 3, 0)]
        [InlineData("😀", 4, 4)]
        [InlineData("ab", 2, 2)]
        public void Utf8(string text, int take, int expected)
        {
            byte[] bytes = new UTF8Encoding(false).GetBytes(text);
            Assert.Equal(expected, TextBoundary.CompleteLength(new UTF8Encoding(false), bytes, 0, take));
        }

        [Fact]
        public void Utf16KeepsWholeUnitsAndSurrogatePairsTogether()
        {
            var le = new UnicodeEncoding(false, false);
            byte[] bytes = le.GetBytes("a😀");
            Assert.Equal(2, TextBoundary.CompleteLength(le, bytes, 0, 3));
            Assert.Equal(2, TextBoundary.CompleteLength(le, bytes, 0, 4));
            Assert.Equal(6, TextBoundary.CompleteLength(le, bytes, 0, 6));
            var be = new UnicodeEncoding(true, false);
            bytes = be.GetBytes("😀");
            Assert.Equal(0, TextBoundary.CompleteLength(be, bytes, 0, 2));
        }

        [Fact]
        public void Utf32AndSingleByte()
        {
            Assert.Equal(4, TextBoundary.CompleteLength(new UTF32Encoding(false, false), new byte[7], 0, 7));
            Assert.Equal(7, TextBoundary.CompleteLength(Encoding.ASCII, new byte[7], 0, 7));
        }
    }
}
