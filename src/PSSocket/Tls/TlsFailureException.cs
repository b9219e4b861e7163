using System;
using PSSocket.Errors;

namespace PSSocket.Tls
{
    /// <summary>A failed TLS handshake, with what was learned about the peer's certificate before it failed.</summary>
    public sealed class TlsFailureException : SocketSessionException
    {
        public TlsFailureException(string errorId, string message, object? target, Exception? inner, TlsInfo? facts)
            : base(errorId, message, target, inner)
        {
            Facts = facts;
        }

        /// <summary>The peer certificate's facts when it sent one (for an untrusted, expired or wrong-name certificate); else null.</summary>
        public TlsInfo? Facts { get; }
    }
}
