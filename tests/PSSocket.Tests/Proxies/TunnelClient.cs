using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Proxies;
using PSSocket.Tests.Infrastructure;
using PSSocket.Threading;

namespace PSSocket.Tests.Proxies
{
    /// <summary>
    /// A test's client: a plain socket connected to the proxy, the engine's tunnel opened over it, then bytes sent and
    /// received through the tunnel, the leftover of the proxy's reply first (as the session will take them).
    /// </summary>
    public sealed class TunnelClient : IDisposable
    {
        // Generous: a busy machine must not turn a slow proxy into a failed test; timeouts are tested on their own.
        public const int Timeout = 15_000;

        private readonly TcpClient _client;
        private readonly Stream _stream;
        private byte[] _leftover;

        private TunnelClient(TcpClient client, ProxyTunnelResult result)
        {
            _client = client;
            _stream = client.GetStream();
            Result = result;
            _leftover = result.Leftover;
        }

        internal ProxyTunnelResult Result { get; }

        internal static TunnelClient Open(string proxyUri, string targetHost, int targetPort, NetworkCredential? credential = null, IPAddress? proxyAddress = null)
        {
            ProxyEndPoint proxy = ProxyEndPoint.Parse(proxyUri, credential);
            var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
            try
            {
                client.Connect(proxyAddress ?? IPAddress.Parse(proxy.Host), proxy.Port);
                ProxyTunnelResult result = ProxyTunnel.Open(client.Client, proxy, targetHost, targetPort, Deadline.After(Timeout), CancellationToken.None);
                return new TunnelClient(client, result);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        /// <summary>The error id the tunnel failed with; the test fails when it opened.</summary>
        internal static string FailureOf(string proxyUri, string targetHost, int targetPort, NetworkCredential? credential = null) =>
            FailureOf(proxyUri, targetHost, targetPort, credential, out _);

        internal static string FailureOf(string proxyUri, string targetHost, int targetPort, NetworkCredential? credential, out string message)
        {
            try
            {
                using TunnelClient opened = Open(proxyUri, targetHost, targetPort, credential);
            }
            catch (SocketSessionException e)
            {
                message = e.Message;
                return e.ErrorId;
            }

            throw new InvalidOperationException($"The tunnel through {proxyUri} to {targetHost}:{targetPort} opened; a failure was expected.");
        }

        /// <summary>
        /// Bytes pass with the <paramref name="right"/> credential; without one, and with a wrong password, the tunnel
        /// fails with ProxyAuthenticationFailed. Returns the message of the attempt without a credential.
        /// </summary>
        internal static string AssertCredentialsAreChecked(string proxyUri, int echoPort, NetworkCredential right)
        {
            using (TunnelClient tunnel = Open(proxyUri, "127.0.0.1", echoPort, right))
            {
                tunnel.AssertEchoes(RawPeer.RandomBytes(50_000, seed: echoPort));
            }

            var wrong = new NetworkCredential(right.UserName, right.Password + "-wrong");
            Xunit.Assert.Equal(ErrorIds.ProxyAuthenticationFailed, FailureOf(proxyUri, "127.0.0.1", echoPort, wrong));
            Xunit.Assert.Equal(ErrorIds.ProxyAuthenticationFailed, FailureOf(proxyUri, "127.0.0.1", echoPort, null, out string message));
            return message;
        }

        public void Send(byte[] data) => _stream.Write(data, 0, data.Length);

        /// <summary>Exactly <paramref name="count"/> bytes through the tunnel: the reply's leftover first, then the stream.</summary>
        public byte[] Receive(int count)
        {
            var bytes = new byte[count];
            int have = Math.Min(count, _leftover.Length);
            Buffer.BlockCopy(_leftover, 0, bytes, 0, have);
            _leftover = _leftover[have..];
            _client.ReceiveTimeout = Timeout;
            while (have < count)
            {
                int n = _stream.Read(bytes, have, count - have);
                if (n == 0)
                {
                    throw new EndOfStreamException($"The tunnel ended after {have} of {count} bytes.");
                }

                have += n;
            }

            return bytes;
        }

        /// <summary>Sends <paramref name="data"/> in pieces and checks every byte comes back through an echoing target.</summary>
        public void AssertEchoes(byte[] data)
        {
            const int Piece = 64 * 1024;
            for (int offset = 0; offset < data.Length; offset += Piece)
            {
                byte[] piece = data[offset..Math.Min(data.Length, offset + Piece)];
                Send(piece);
                Xunit.Assert.Equal(piece, Receive(piece.Length));
            }
        }

        public void Dispose() => _client.Dispose();
    }
}
