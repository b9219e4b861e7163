using System;
using System.Threading;

namespace PSSocket.Transports
{
    /// <summary>Where a session's bytes go: the socket itself, or a TLS stream over it.</summary>
    internal interface ISessionSender : IDisposable
    {
        /// <summary>Sends every byte, or throws saying how many went out (SendIncompleteException).</summary>
        void Send(byte[] data, int offset, int count, int timeout, CancellationToken cancellationToken);

        /// <summary>Called before the send side shuts down: TLS sends its close_notify alert. Never throws.</summary>
        void Finish(int timeout);
    }
}
