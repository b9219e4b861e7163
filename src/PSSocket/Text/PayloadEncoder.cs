using System;
using System.Globalization;
using System.Text;
using PSSocket.Errors;

namespace PSSocket.Text
{
    /// <summary>Turns one value handed to Send-SocketData into the exact bytes that go out.</summary>
    internal static class PayloadEncoder
    {
        /// <summary>
        /// Byte arrays go as they are, strings in <paramref name="encoding"/>, other scalars as their invariant
        /// text. <paramref name="lineEnd"/>, when given, follows the value.
        /// </summary>
        public static byte[] Encode(object value, Encoding encoding, string? lineEnd)
        {
            switch (value)
            {
                case byte[] bytes:
                    return lineEnd == null ? bytes : Concat(bytes, encoding.GetBytes(lineEnd));
                case string text:
                    return encoding.GetBytes(lineEnd == null ? text : text + lineEnd);
                case char[] chars:
                    return Encode(new string(chars), encoding, lineEnd);
                case byte single:
                    return Encode(new[] { single }, encoding, lineEnd);
                case IConvertible convertible:
                    return Encode(convertible.ToString(CultureInfo.InvariantCulture), encoding, lineEnd);
                default:
                    throw new SocketSessionException(
                        ErrorIds.UnsupportedData,
                        $"Cannot send a {value.GetType().FullName}: give strings, byte arrays, or values with a text form.",
                        value);
            }
        }

        public static string LineEndText(LineEnding ending) => ending == LineEnding.CrLf ? "\r\n" : "\n";

        private static byte[] Concat(byte[] first, byte[] second)
        {
            var result = new byte[first.Length + second.Length];
            Buffer.BlockCopy(first, 0, result, 0, first.Length);
            Buffer.BlockCopy(second, 0, result, first.Length, second.Length);
            return result;
        }
    }
}
