using System;
using System.Net.Sockets;
using PSSocket.Errors;

namespace PSSocket.Proxies
{
    /// <summary>
    /// The errors of one tunnel attempt, each saying which proxy, which target and what the proxy said. Their target
    /// object is the proxy end point (its written form carries no credential).
    /// </summary>
    internal sealed class ProxyFailure
    {
        private readonly ProxyEndPoint _proxy;
        private readonly ProxyTarget _target;

        public ProxyFailure(ProxyEndPoint proxy, ProxyTarget target)
        {
            _proxy = proxy;
            _target = target;
        }

        private string Proxy => $"The {(_proxy.Kind == ProxyKind.Socks5 ? "SOCKS5" : "HTTP")} proxy {_proxy}";

        /// <summary>The proxy would not carry the connection (its rules, a failure of its own, a command it lacks).</summary>
        public SocketSessionException Refused(string said, Exception? inner = null) =>
            Raise(ErrorIds.ProxyRefused, $"{Proxy} refused to connect to {_target}: {said}.", inner);

        public SocketSessionException AuthenticationFailed(string said) =>
            Raise(ErrorIds.ProxyAuthenticationFailed, $"{Proxy} did not accept the connection to {_target}: {said}.");

        /// <summary><paramref name="cause"/>: the socket error the proxy's answer stands for, kept as the inner exception (a port check's status reads it).</summary>
        public SocketSessionException TargetUnreachable(string said, SocketError? cause = null) =>
            Raise(ErrorIds.ProxyTargetUnreachable, $"{Proxy} could not reach {_target}: {said}.", cause == null ? null : new SocketException((int)cause.Value));

        public SocketSessionException ProtocolError(string said) =>
            Raise(ErrorIds.ProxyProtocolError, $"{Proxy} does not speak its protocol (asked for {_target}): {said}.");

        public SocketSessionException TimedOut(int timeoutMilliseconds) =>
            Raise(ErrorIds.ConnectTimedOut, $"{Proxy} did not open a tunnel to {_target} within {timeoutMilliseconds} ms.");

        private SocketSessionException Raise(string errorId, string message, Exception? inner = null) =>
            new SocketSessionException(errorId, message, _proxy, inner);
    }
}
