using System;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PSSocket.Sessions
{
    /// <summary>
    /// A raw socket for an IP protocol that .NET's socket constructor does not map (on Linux it takes only ICMP,
    /// IGMP, TCP, UDP, ICMPv6 and 255): made with socket(2) and handed to Socket(SafeSocketHandle), which the
    /// runtimes under pwsh 7 have. Linux only; elsewhere, and on a runtime without that constructor, null.
    /// </summary>
    internal static class NativeRawSocket
    {
        private const int AfInet = 2;
        private const int AfInet6 = 10;
        private const int SockRaw = 3;
        private const int EPerm = 1;
        private const int EAcces = 13;
        private const int EProtoNoSupport = 93;

        public static Socket? TryOpen(AddressFamily family, byte protocol)
        {
            Type? handleType = typeof(Socket).Assembly.GetType("System.Net.Sockets.SafeSocketHandle");
            ConstructorInfo? handleOf = handleType?.GetConstructor(new[] { typeof(IntPtr), typeof(bool) });
            ConstructorInfo? socketOf = handleType == null ? null : typeof(Socket).GetConstructor(new[] { handleType });
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || handleOf == null || socketOf == null)
            {
                return null;
            }

            int descriptor = socket(family == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet, SockRaw, protocol);
            if (descriptor < 0)
            {
                int error = Marshal.GetLastWin32Error();
                throw new SocketException((int)(error == EPerm || error == EAcces ? SocketError.AccessDenied
                    : error == EProtoNoSupport ? SocketError.ProtocolNotSupported
                    : SocketError.SocketError));
            }

            var handle = (IDisposable)handleOf.Invoke(new object[] { new IntPtr(descriptor), true });
            try
            {
                return (Socket)socketOf.Invoke(new object[] { handle });
            }
            catch
            {
                handle.Dispose(); // closes the descriptor
                throw;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int socket(int domain, int type, int protocol);
    }
}
