using System;
using System.Net;
using System.Text;
using System.Threading.Tasks;

namespace PSSocket.Proxies
{
    /// <summary>
    /// A SOCKS5 CONNECT (RFC 1928): the greeting offers "no authentication", and user name and password (RFC 1929)
    /// when a credential is given; then the request, whose reply carries the address the proxy bound for the tunnel.
    /// </summary>
    internal static class Socks5Handshake
    {
        private const byte Version = 5;
        private const byte NoAuthentication = 0;
        private const byte UserNamePassword = 2;
        private const byte NoAcceptableMethod = 0xff;
        private const byte Connect = 1;

        /// <summary>Opens the tunnel; returns the proxy's bound end point (IPEndPoint, or DnsEndPoint when it names one).</summary>
        public static async Task<EndPoint> RunAsync(ProxyChannel channel, ProxyEndPoint proxy, ProxyTarget target)
        {
            NetworkCredential? credential = proxy.Credential;
            await channel.WriteAsync(credential == null
                ? new[] { Version, (byte)1, NoAuthentication }
                : new[] { Version, (byte)2, NoAuthentication, UserNamePassword }).ConfigureAwait(false);

            byte[] choice = await channel.ReadExactAsync(2).ConfigureAwait(false);
            CheckVersion(channel, choice, "greeting");
            switch (choice[1])
            {
                case NoAuthentication:
                    break;
                case UserNamePassword when credential != null:
                    await AuthenticateAsync(channel, credential).ConfigureAwait(false);
                    break;
                case NoAcceptableMethod:
                    throw channel.Failure.AuthenticationFailed(credential == null
                        ? "it requires authentication (it accepts no method without a credential; give a user name and password)"
                        : "it accepts neither no authentication nor user name and password (no acceptable methods)");
                default:
                    throw channel.Failure.ProtocolError($"it chose authentication method 0x{choice[1]:x2}, which was not offered");
            }

            byte[] request = Socks5Address.Encode(target);
            var message = new byte[3 + request.Length];
            message[0] = Version;
            message[1] = Connect;
            Buffer.BlockCopy(request, 0, message, 3, request.Length);
            await channel.WriteAsync(message).ConfigureAwait(false);

            // A failure's reply may stop short of its address; its code is all that matters then.
            byte[] reply = await channel.ReadExactAsync(2).ConfigureAwait(false);
            CheckVersion(channel, reply, "CONNECT request");
            if (reply[1] != Socks5Reply.Succeeded)
            {
                string said = Socks5Reply.Describe(reply[1]);
                throw Socks5Reply.TargetUnreachable(reply[1]) ? channel.Failure.TargetUnreachable(said, Socks5Reply.SocketErrorOf(reply[1])) : channel.Failure.Refused(said);
            }

            byte[] reservedAndType = await channel.ReadExactAsync(2).ConfigureAwait(false);
            return await Socks5Address.ReadAsync(channel, reservedAndType[1]).ConfigureAwait(false);
        }

        /// <summary>RFC 1929: version 1, the user name and the password, each behind its length; status 0 is success.</summary>
        private static async Task AuthenticateAsync(ProxyChannel channel, NetworkCredential credential)
        {
            byte[] user = Encoding.UTF8.GetBytes(credential.UserName);
            byte[] password = Encoding.UTF8.GetBytes(credential.Password);
            var message = new byte[3 + user.Length + password.Length];
            message[0] = 1;
            message[1] = (byte)user.Length;
            Buffer.BlockCopy(user, 0, message, 2, user.Length);
            message[2 + user.Length] = (byte)password.Length;
            Buffer.BlockCopy(password, 0, message, 3 + user.Length, password.Length);
            await channel.WriteAsync(message).ConfigureAwait(false);

            // Some servers answer with version 5 instead of 1; the status is what counts.
            byte[] answer = await channel.ReadExactAsync(2).ConfigureAwait(false);
            if (answer[0] != 1 && answer[0] != Version)
            {
                throw channel.Failure.ProtocolError($"it answered the user name and password with '{ReplyText.Excerpt(answer)}', not an RFC 1929 status");
            }

            if (answer[1] != 0)
            {
                throw channel.Failure.AuthenticationFailed($"it rejected the user name '{credential.UserName}' with its password (RFC 1929 status {answer[1]})");
            }
        }

        private static void CheckVersion(ProxyChannel channel, byte[] reply, string step)
        {
            if (reply[0] != Version)
            {
                throw channel.Failure.ProtocolError(
                    $"it answered the SOCKS5 {step} with '{ReplyText.Excerpt(reply)}{channel.UnreadText()}', not SOCKS version 5");
            }
        }
    }
}
