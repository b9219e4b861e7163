using System.Net.Sockets;
using System.Threading.Tasks;

namespace PSSocket.Sessions
{
    /// <summary>
    /// What one session needs before it is ready: nothing (ready now), its socket readable or writable (one
    /// Socket.Select over all of them), a task to finish (a background connect, a read pending on a TLS stream),
    /// or a look again shortly (a datagram queue filled by the session's own receiver).
    /// </summary>
    internal sealed class ReadinessNeed
    {
        public static readonly ReadinessNeed Ready = new ReadinessNeed { IsReady = true };

        public static readonly ReadinessNeed LookAgain = new ReadinessNeed();

        public bool IsReady { get; private set; }

        public Socket? Readable { get; private set; }

        public Socket? Writable { get; private set; }

        public Task? Pending { get; private set; }

        public static ReadinessNeed ReadableSocket(Socket socket) => new ReadinessNeed { Readable = socket };

        public static ReadinessNeed WritableSocket(Socket socket) => new ReadinessNeed { Writable = socket };

        /// <summary>Wait for <paramref name="task"/>, then look again; null: ready now.</summary>
        public static ReadinessNeed Finished(Task? task) => task == null ? Ready : new ReadinessNeed { Pending = task };
    }
}
