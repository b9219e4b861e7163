using System;

namespace PSSocket.Sessions
{
    /// <summary>Error: the session's receiving failed (a reset, a TLS failure) or its background connect did.</summary>
    public sealed class SocketErrorEventArgs : SocketSessionEventArgs
    {
        internal SocketErrorEventArgs(SocketSession session, string errorId, Exception exception)
            : base(session)
        {
            ErrorId = errorId;
            Exception = exception;
        }

        /// <summary>The module's stable error id (ErrorIds), as the cmdlets' ErrorRecords carry it.</summary>
        public string ErrorId { get; }

        public Exception Exception { get; }
    }
}
