using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;
using PSSocket.Errors;
using PSSocket.Runtime;

namespace PSSocket.Sessions
{
    /// <summary>
    /// Unix domain socket end points without a compile-time reference: netstandard2.0 has no
    /// UnixDomainSocketEndPoint, .NET Core 2.1 and later have it in the assembly that holds Socket.
    /// </summary>
    internal static class UnixEndPoints
    {
        /// <summary>For tests: pretends the runtime has no Unix domain sockets.</summary>
        internal static bool SimulateUnsupported { get; set; }

        public static bool IsSupported => EndPointType != null;

        /// <summary>The longest path sun_path holds, without its terminating NUL: 108 bytes on Linux and Windows, 104 on macOS and the BSDs.</summary>
        public static int MaxPathBytes =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? 107 : 103;

        private static Type? EndPointType => SimulateUnsupported ? null : RuntimeProbes.UnixDomainSocketEndPoint;

        /// <summary>The end point for <paramref name="path"/>, or SocketPathTooLong / UnixSocketsNotSupported.</summary>
        public static EndPoint Create(string path, object? target)
        {
            Type type = EndPointType ?? throw NotSupported("Unix domain sockets", target);
            int bytes = Encoding.UTF8.GetByteCount(path);
            if (bytes > MaxPathBytes || bytes == 0)
            {
                throw TooLong(path, bytes, target);
            }

            try
            {
                return (EndPoint)Activator.CreateInstance(type, path)!;
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
            {
                throw TooLong(path, bytes, target);
            }
        }

        /// <summary>An end point for ReceiveFrom to fill in: as long as a path can be, so no sender's path is cut short.</summary>
        public static EndPoint ReceiveTemplate() => Create("/" + new string('x', MaxPathBytes - 1), null);

        public static bool IsUnix(EndPoint? endPoint) => endPoint != null && endPoint.AddressFamily == AddressFamily.Unix;

        /// <summary>A Unix socket of the protocol's type, or UnixSocketsNotSupported where the system has none.</summary>
        public static Socket NewSocket(SocketProtocol protocol, object? target)
        {
            string what = protocol == SocketProtocol.UnixDatagram ? "Unix datagram sockets" : "Unix domain sockets";
            if (EndPointType == null)
            {
                throw NotSupported(what, target);
            }

            try
            {
                return new Socket(AddressFamily.Unix, protocol.SocketType(), ProtocolType.Unspecified);
            }
            catch (SocketException e)
            {
                throw NotSupported(what, target, e);
            }
        }

        public static UnixPathKind Probe(string path)
        {
            if (Directory.Exists(path))
            {
                return UnixPathKind.Directory;
            }

            if (!File.Exists(path))
            {
                return UnixPathKind.Missing;
            }

            int? mode = UnixFileStatus.Mode(path, followLinks: true);
            return mode == null ? UnixPathKind.Unknown
                : UnixFileStatus.IsType(mode.Value, UnixFileStatus.SocketFileType) ? UnixPathKind.Socket
                : UnixFileStatus.IsType(mode.Value, UnixFileStatus.DirectoryFileType) ? UnixPathKind.Directory
                : UnixPathKind.OtherFile;
        }

        /// <summary>Before connecting: SocketPathNotFound when nothing is there, NotASocket when a file or folder is.</summary>
        public static UnixPathKind CheckConnectTarget(string path, object? target)
        {
            UnixPathKind kind = Probe(path);
            switch (kind)
            {
                case UnixPathKind.Missing:
                    throw NotFound(path, target);
                case UnixPathKind.Directory:
                case UnixPathKind.OtherFile:
                    throw NotASocket(path, kind, target);
                default:
                    return kind;
            }
        }

        /// <summary>
        /// Before binding: a socket file that nobody accepts on any more (its listener died without removing it)
        /// is removed, unless <paramref name="mayRemove"/> says no (-WhatIf, or a declined -Confirm), which leaves it
        /// and is AddressInUse; a live socket is AddressInUse; a file or folder that is not a socket is NotASocket and stays.
        /// </summary>
        public static void ClearStaleSocket(string path, EndPoint endPoint, SocketProtocol protocol, object? target, Func<string, bool>? mayRemove = null)
        {
            UnixPathKind kind = Probe(path);
            if (kind == UnixPathKind.Missing)
            {
                return;
            }

            if (kind == UnixPathKind.Directory || kind == UnixPathKind.OtherFile)
            {
                throw NotASocket(path, kind, target);
            }

            FileIdentity? stale = UnixFileStatus.Socket(path);
            SocketError answer = ProbeConnect(endPoint, protocol);
            if (answer == SocketError.ConnectionRefused && kind == UnixPathKind.Socket)
            {
                if (mayRemove != null && !mayRemove(path))
                {
                    throw new SocketSessionException(
                        ErrorIds.AddressInUse, $"Cannot bind to {path}: the stale socket file there was not removed.", target);
                }

                try
                {
                    // Only the socket file that refused: not a file or socket that took its place meanwhile.
                    if (stale == null || !stale.Equals(UnixFileStatus.Socket(path)))
                    {
                        throw new SocketSessionException(
                            ErrorIds.AddressInUse, $"Cannot bind to {path}: the file there changed while PSSocket checked it.", target);
                    }

                    File.Delete(path);
                    return;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new SocketSessionException(
                        ErrorIds.AccessDenied, $"Cannot remove the stale socket file {path}: {e.Message}", target, e);
                }
            }

            if (answer == SocketError.AccessDenied)
            {
                throw new SocketSessionException(ErrorIds.AccessDenied, $"Cannot bind to {path}: permission denied.", target);
            }

            string why = answer == SocketError.Success || answer == SocketError.ProtocolType || answer == SocketError.TimedOut
                ? "a process is listening on it"
                : "it exists and PSSocket cannot tell whether it is a stale socket";
            throw new SocketSessionException(ErrorIds.AddressInUse, $"Cannot bind to {path}: {why}.", target);
        }

        public static SocketSessionException ForConnect(SocketException error, string path, UnixPathKind kind, SocketProtocol protocol, object? target)
        {
            switch (error.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return new SocketSessionException(
                        ErrorIds.ConnectionRefused,
                        kind == UnixPathKind.Socket
                            ? $"Connection to {path} was refused: no process accepts on that socket (a stale socket file left by a process that ended?)."
                            : $"Connection to {path} was refused: nothing accepts there, or it is not a socket.",
                        target,
                        error);
                case SocketError.ProtocolType:
                    return TypeMismatch(path, protocol, target, error);
                case SocketError.AccessDenied:
                    return new SocketSessionException(
                        ErrorIds.AccessDenied, $"Connection to {path} was denied: no permission to write to the socket file.", target, error);
                case SocketError.AddressNotAvailable:
                    return NotFound(path, target, error);
                default:
                    return SocketErrorTranslator.ForConnect(error, path, target);
            }
        }

        public static SocketSessionException ForBind(SocketException error, string path, object? target)
        {
            switch (error.SocketErrorCode)
            {
                case SocketError.AccessDenied:
                    return new SocketSessionException(
                        ErrorIds.AccessDenied, $"Cannot bind to {path}: no permission to create a file there.", target, error);
                case SocketError.AddressNotAvailable:
                    return new SocketSessionException(
                        ErrorIds.SocketPathNotFound, $"Cannot bind to {path}: its folder does not exist.", target, error);
                default:
                    return SocketErrorTranslator.ForBind(error, path, target);
            }
        }

        public static SocketSessionException TypeMismatch(string path, SocketProtocol protocol, object? target, Exception? inner = null)
        {
            string other = protocol == SocketProtocol.UnixDatagram ? "UnixStream" : "UnixDatagram";
            return new SocketSessionException(
                ErrorIds.SocketTypeMismatch,
                $"The socket at {path} is not a {protocol} socket; use -Protocol {other}.",
                target,
                inner);
        }

        public static SocketSessionException NotFound(string path, object? target, Exception? inner = null) =>
            new SocketSessionException(ErrorIds.SocketPathNotFound, $"There is no socket at {path}: the path does not exist.", target, inner);

        public static SocketSessionException NotASocket(string path, UnixPathKind kind, object? target) =>
            new SocketSessionException(
                ErrorIds.NotASocket,
                $"{path} is a {(kind == UnixPathKind.Directory ? "folder" : "file")}, not a socket; PSSocket does not replace it.",
                target);

        private static SocketSessionException TooLong(string path, int bytes, object? target) =>
            new SocketSessionException(
                ErrorIds.SocketPathTooLong,
                bytes == 0
                    ? "The socket path is empty."
                    : $"The socket path {path} is {bytes} bytes long; a Unix domain socket path holds at most {MaxPathBytes} bytes here. Use a shorter path, such as one under /tmp.",
                target);

        private static SocketSessionException NotSupported(string what, object? target, Exception? inner = null) =>
            new SocketSessionException(
                ErrorIds.UnixSocketsNotSupported,
                $"{what} are not available on this platform or runtime (.NET Core 2.1 or later on Linux, macOS or Windows 10 1803 and later has them).",
                target,
                inner);

        /// <summary>Connects a throwaway socket: Success or ProtocolType when something lives there, ConnectionRefused when nothing does.</summary>
        private static SocketError ProbeConnect(EndPoint endPoint, SocketProtocol protocol)
        {
            using var probe = new Socket(AddressFamily.Unix, protocol.SocketType(), ProtocolType.Unspecified);
            try
            {
                Task attempt = probe.ConnectAsync(endPoint);
                if (!attempt.Wait(1000))
                {
                    Threading.TaskWaiter.Forget(attempt);
                    return SocketError.TimedOut;
                }

                return SocketError.Success;
            }
            catch (AggregateException e) when (e.InnerException is SocketException socketError)
            {
                return socketError.SocketErrorCode;
            }
            catch (SocketException e)
            {
                return e.SocketErrorCode;
            }
        }
    }
}
