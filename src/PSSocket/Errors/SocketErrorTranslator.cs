using System;
using System.Net.Sockets;

namespace PSSocket.Errors
{
    /// <summary>Turns the operating system's socket errors into the module's error ids and plain sentences.</summary>
    internal static class SocketErrorTranslator
    {
        public static SocketSessionException ForConnect(SocketException error, string endPoint, object? target)
        {
            return error.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => new SocketSessionException(
                    ErrorIds.ConnectionRefused, $"Connection to {endPoint} was refused.", target, error),
                SocketError.TimedOut => new SocketSessionException(
                    ErrorIds.ConnectTimedOut, $"Connection to {endPoint} timed out.", target, error),
                SocketError.HostUnreachable => new SocketSessionException(
                    ErrorIds.HostUnreachable, $"Host of {endPoint} is unreachable.", target, error),
                SocketError.NetworkUnreachable => new SocketSessionException(
                    ErrorIds.NetworkUnreachable, $"Network of {endPoint} is unreachable.", target, error),
                SocketError.AddressNotAvailable => new SocketSessionException(
                    ErrorIds.AddressNotAvailable, $"Cannot connect to {endPoint}: the address is not available.", target, error),
                _ => ForTransfer(error, $"connecting to {endPoint}", target),
            };
        }

        public static SocketSessionException ForBind(SocketException error, string endPoint, object? target)
        {
            return error.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new SocketSessionException(
                    ErrorIds.AddressInUse, $"Cannot bind to {endPoint}: the address is already in use.", target, error),
                SocketError.AddressNotAvailable => new SocketSessionException(
                    ErrorIds.AddressNotAvailable, $"Cannot bind to {endPoint}: the address is not available on this machine.", target, error),
                SocketError.AddressFamilyNotSupported => new SocketSessionException(
                    ErrorIds.AddressFamilyMismatch, $"Cannot bind to {endPoint}: the address family is not supported by this socket.", target, error),
                _ => ForTransfer(error, $"binding to {endPoint}", target),
            };
        }

        /// <summary>Errors while sending or receiving on an open connection.</summary>
        public static SocketSessionException ForTransfer(SocketException error, string activity, object? target)
        {
            return error.SocketErrorCode switch
            {
                SocketError.ConnectionReset => new SocketSessionException(
                    ErrorIds.ConnectionReset, $"The connection was reset by the peer while {activity}.", target, error),
                SocketError.ConnectionAborted or SocketError.OperationAborted or SocketError.Shutdown => new SocketSessionException(
                    ErrorIds.ConnectionAborted, $"The connection was aborted while {activity}.", target, error),
                // Receives end on their own deadlines (ReceiveTimedOut); only a send that found no room times out here.
                SocketError.TimedOut => new SocketSessionException(
                    ErrorIds.SendTimedOut, $"Timed out while {activity}.", target, error),
                _ => new SocketSessionException(
                    ErrorIds.SocketError, $"Socket error {error.SocketErrorCode} while {activity}: {error.Message}", target, error),
            };
        }

        /// <summary>Unwraps the exception a socket task faulted with.</summary>
        public static Exception Unwrap(Exception error)
        {
            while (error is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
            {
                error = aggregate.InnerExceptions[0];
            }

            return error;
        }
    }
}
