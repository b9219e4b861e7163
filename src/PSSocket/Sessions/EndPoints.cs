using System.Net;

namespace PSSocket
{
    internal static class EndPoints
    {
        /// <summary>The usual written form: 127.0.0.1:80, [::1]:80.</summary>
        public static string Format(EndPoint? endPoint)
        {
            if (endPoint is IPEndPoint ip && ip.Address.IsIPv4MappedToIPv6)
            {
                return new IPEndPoint(ip.Address.MapToIPv4(), ip.Port).ToString();
            }

            return endPoint?.ToString() ?? string.Empty;
        }

        public static string Format(IPAddress address, int port) => Format(new IPEndPoint(address, port));
    }
}
