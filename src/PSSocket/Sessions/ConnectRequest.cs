using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using PSSocket.Proxies;
using PSSocket.Threading;
using PSSocket.Tls;

namespace PSSocket.Sessions
{
    /// <summary>
    /// One connect, as Connect-Socket, a session and Test-SocketPort ask for it: the host and port (or the addresses
    /// already resolved), the family allowed, one timeout for the whole of it, TLS, and how each attempt's socket is
    /// made (bound to a local address, when the maker binds it) and dropped. The deadline starts when the request is made.
    /// </summary>
    internal sealed class ConnectRequest
    {
        public ConnectRequest(string host, int port, int timeout, CancellationToken cancellationToken)
        {
            Host = host;
            Port = port;
            Deadline = Deadline.After(timeout);
            CancellationToken = cancellationToken;
        }

        public string Host { get; }

        public int Port { get; }

        /// <summary>
        /// Null: connect to Host directly. Otherwise connect to this proxy and have it open a tunnel to Host and Port
        /// within the same deadline; Host is then the proxy's to resolve, never resolved here.
        /// </summary>
        public ProxyEndPoint? Proxy { get; set; }

        /// <summary>The host whose addresses are tried: the proxy's, when there is one.</summary>
        public string ConnectHost => Proxy?.Host ?? Host;

        public int ConnectPort => Proxy?.Port ?? Port;

        /// <summary>Set by the connect once the proxy opened the tunnel: what the proxy said and the target's first bytes.</summary>
        public ProxyTunnelResult? Tunnel { get; set; }

        /// <summary>The addresses of ConnectHost to try in turn; null until it is resolved.</summary>
        public IReadOnlyList<IPAddress>? Addresses { get; set; }

        public IPFamily Family { get; set; } = IPFamily.Any;

        public Deadline Deadline { get; }

        public CancellationToken CancellationToken { get; }

        /// <summary>Null: plaintext. Otherwise the STARTTLS dialogue it names, then the TLS handshake, within the same deadline.</summary>
        public TlsClientOptions? Tls { get; set; }

        /// <summary>When given, records the addresses resolved and each one tried (for -Verbose).</summary>
        public ConnectTrace? Trace { get; set; }

        /// <summary>The target of the errors raised: the session, or the host name checked.</summary>
        public object? Target { get; set; }

        /// <summary>Makes each attempt's socket; by default a TCP socket of the address's family.</summary>
        public Func<AddressFamily, Socket> MakeSocket { get; set; } = family => new Socket(family, SocketType.Stream, ProtocolType.Tcp);

        /// <summary>Takes each socket that did not connect; by default it is disposed (a session keeps its own bound socket).</summary>
        public Action<Socket> Discard { get; set; } = socket => socket.Dispose();

        /// <summary>Hears each address as its attempt starts.</summary>
        public Action<IPAddress>? Attempting { get; set; }

        public bool Allows(AddressFamily family) => Family.Allows(family);
    }
}
