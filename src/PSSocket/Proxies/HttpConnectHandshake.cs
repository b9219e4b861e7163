using System;
using System.Net;
using System.Text;
using System.Threading.Tasks;

namespace PSSocket.Proxies
{
    /// <summary>
    /// HTTP CONNECT (RFC 9110, section 9.3.6): any 2xx answer opens the tunnel, and the bytes right after its blank
    /// line are the target's. Basic credentials (RFC 7617, UTF-8) go in Proxy-Authorization when given.
    /// </summary>
    internal static class HttpConnectHandshake
    {
        /// <summary>Opens the tunnel; returns the proxy's status line.</summary>
        public static async Task<string> RunAsync(ProxyChannel channel, ProxyEndPoint proxy, ProxyTarget target)
        {
            await channel.WriteAsync(Request(target, proxy.Credential)).ConfigureAwait(false);
            HttpProxyResponse response;
            do
            {
                byte[] head = await channel.ReadHeadAsync().ConfigureAwait(false);
                response = HttpProxyResponse.Parse(head)
                    ?? throw channel.Failure.ProtocolError($"it answered CONNECT with '{ReplyText.Excerpt(head)}', not an HTTP/1.x status line");
            }
            while (response.StatusCode < 200);

            if (response.StatusCode < 300)
            {
                return response.StatusLine;
            }

            string said = $"'{response.StatusLine}'";
            switch (response.StatusCode)
            {
                // 401 is the origin server's code, but some proxies (tinyproxy) answer wrong credentials with it.
                case 401:
                case 407:
                    string challenge = response.Field(response.StatusCode == 407 ? "Proxy-Authenticate" : "WWW-Authenticate");
                    string asked = challenge.Length == 0 ? string.Empty : $", asking for {challenge}";
                    throw channel.Failure.AuthenticationFailed(proxy.Credential == null
                        ? $"it requires authentication ({said}{asked}); give a user name and password"
                        : $"it rejected the user name '{proxy.Credential.UserName}' with its password ({said}{asked})");
                case 502:
                case 504:
                    throw channel.Failure.TargetUnreachable(said);
                default:
                    throw channel.Failure.Refused(said);
            }
        }

        private static byte[] Request(ProxyTarget target, NetworkCredential? credential)
        {
            var request = new StringBuilder();
            request.Append("CONNECT ").Append(target.Authority).Append(" HTTP/1.1\r\n");
            request.Append("Host: ").Append(target.Authority).Append("\r\n");
            if (credential != null)
            {
                string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password));
                request.Append("Proxy-Authorization: Basic ").Append(basic).Append("\r\n");
            }

            request.Append("\r\n");
            return Encoding.ASCII.GetBytes(request.ToString());
        }
    }
}
