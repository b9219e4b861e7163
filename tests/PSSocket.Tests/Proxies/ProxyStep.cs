using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace PSSocket.Tests.Proxies
{
    /// <summary>One step of a scripted proxy's conversation with the client; what it reads goes to <paramref name="received"/>.</summary>
    public delegate Task ProxyStep(Socket socket, ConcurrentQueue<byte[]> received, CancellationToken token);
}
