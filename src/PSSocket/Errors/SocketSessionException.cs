using System;

namespace PSSocket.Errors
{
    /// <summary>A failure the engine reports with a stable id; the cmdlets turn it into an ErrorRecord.</summary>
    public class SocketSessionException : Exception
    {
        public SocketSessionException(string errorId, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Target = target;
        }

        public string ErrorId { get; }

        /// <summary>What the error is about: a session, an end point or a host name.</summary>
        public object? Target { get; }
    }
}
