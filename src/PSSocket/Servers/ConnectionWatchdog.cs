using System;
using System.Diagnostics;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Servers
{
    /// <summary>
    /// The timeouts of one server connection's asynchronous receive or send, kept by a timer instead of a waiting
    /// thread: armed before the operation, disarmed after it. When it fires it closes the connection, which ends the
    /// pending operation, and <see cref="Expired"/> says why (the operation itself only sees a closed session).
    /// The timer is made on the first arming, so a connection without timeouts has none.
    /// </summary>
    internal sealed class ConnectionWatchdog : IDisposable
    {
        private readonly SocketSession _connection;
        private Timer? _timer;
        private long _armedAt;
        private int _milliseconds;
        private string _errorId = ErrorIds.ReceiveTimedOut;
        private string _what = string.Empty;
        private SocketSessionException? _expired;

        public ConnectionWatchdog(SocketSession connection)
        {
            _connection = connection;
        }

        /// <summary>Why the watchdog closed the connection; null while it has not.</summary>
        public SocketSessionException? Expired => Volatile.Read(ref _expired);

        /// <summary>Waits for data for at most <paramref name="milliseconds"/> (-1 or 0: no limit).</summary>
        public void ArmReceive(int milliseconds) =>
            Arm(milliseconds, ErrorIds.ReceiveTimedOut, "sent nothing");

        /// <summary>Waits for a send to go out for at most <paramref name="milliseconds"/> (-1 or 0: no limit).</summary>
        public void ArmSend(int milliseconds) =>
            Arm(milliseconds, ErrorIds.SendTimedOut, "read nothing of what the server sent");

        /// <summary>Stops the clock; costs nothing when it was not armed (an operation that completed at once is not timed).</summary>
        public void Disarm()
        {
            if (_timer != null && Volatile.Read(ref _milliseconds) != 0)
            {
                Volatile.Write(ref _milliseconds, 0);
                _timer.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }

        /// <summary>The reason the connection ended: the watchdog's when it closed it, else <paramref name="failure"/>.</summary>
        public SocketSessionException Explain(SocketSessionException failure) => Expired ?? failure;

        public void Dispose() => _timer?.Dispose();

        private void Arm(int milliseconds, string errorId, string what)
        {
            if (milliseconds <= 0)
            {
                return;
            }

            _errorId = errorId;
            _what = what;
            Volatile.Write(ref _armedAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref _milliseconds, milliseconds);
            _timer ??= new Timer(Fire);
            _timer.Change(milliseconds, Timeout.Infinite);
        }

        private void Fire(object? state)
        {
            try
            {
                int milliseconds = Volatile.Read(ref _milliseconds);
                long elapsed = (Stopwatch.GetTimestamp() - Volatile.Read(ref _armedAt)) * 1000 / Stopwatch.Frequency;
                if (milliseconds == 0)
                {
                    return; // disarmed after this callback was queued
                }

                if (elapsed < milliseconds)
                {
                    // Early (timers round), or re-armed after this callback was queued: wait for the rest.
                    _timer?.Change(milliseconds - elapsed + 1, Timeout.Infinite);
                    return;
                }

                Interlocked.CompareExchange(ref _expired, new SocketSessionException(
                    _errorId,
                    $"Session {_connection.Id} ({EndPoints.Format(_connection.RemoteEndPoint)}) was closed: it {_what} for {milliseconds} ms.",
                    _connection), null);
                _connection.Close();
            }
            catch (Exception)
            {
                // A timer callback must not throw; the connection is closed or closing either way.
            }
        }
    }
}
