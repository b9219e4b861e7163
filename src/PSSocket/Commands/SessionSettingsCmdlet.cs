using System.Management.Automation;
using System.Text;
using PSSocket.Binding;
using PSSocket.Sessions;

namespace PSSocket.Commands
{
    /// <summary>The socket options shared by the cmdlets that make sessions (and Connect-Socket, which applies them).</summary>
    public abstract class SessionSettingsCmdlet : SocketCmdlet
    {
        /// <summary>Text encoding of the session: utf8 (no BOM, the default), ascii, unicode, utf32, latin1, or a .NET name.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(EncodingCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Encoding { get; set; }

        /// <summary>Disables Nagle's algorithm so small writes leave at once.</summary>
        [Parameter]
        public SwitchParameter NoDelay { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int SendBufferSize { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ReceiveBufferSize { get; set; }

        /// <summary>Default receive (and accept) timeout of the session, in milliseconds; -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int ReceiveTimeout { get; set; }

        /// <summary>Send timeout of the session, in milliseconds; -1 waits forever.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int SendTimeout { get; set; }

        private Encoding? _encoding;

        protected override void BeginProcessing()
        {
            if (Encoding != null)
            {
                _encoding = ResolveEncoding(Encoding);
            }
        }

        /// <summary>-Debug: the options a session was made (or connected) with; a listener has no connect timeout.</summary>
        private protected void WriteOptionsDebug(SocketSession session)
        {
            if (!IsDebug)
            {
                return;
            }

            string timeouts = session.Role == SocketRole.Listener
                ? $"receive/send timeouts {session.ReceiveTimeout}/{session.SendTimeout} ms"
                : $"connect/receive/send timeouts {session.ConnectTimeout}/{session.ReceiveTimeout}/{session.SendTimeout} ms";
            WriteDebug($"Session {session.Id}: NoDelay {session.NoDelay}, {timeouts}, encoding {session.Encoding.WebName}.");
        }

        /// <summary>Asked (on the pipeline thread) before a stale Unix socket file is removed to bind its path: -WhatIf and -Confirm apply.</summary>
        private protected bool MayRemoveStaleSocket(string path) => ShouldProcess(path, "Remove the stale Unix socket file");

        /// <summary>Copies the options the user named onto <paramref name="settings"/>; the rest keep their values.</summary>
        private protected void ApplyBoundSettings(SocketSettings settings)
        {
            if (_encoding != null)
            {
                settings.Encoding = _encoding;
            }

            if (IsBound(nameof(NoDelay)))
            {
                settings.NoDelay = NoDelay.IsPresent;
            }

            if (IsBound(nameof(SendBufferSize)))
            {
                settings.SendBufferSize = SendBufferSize;
            }

            if (IsBound(nameof(ReceiveBufferSize)))
            {
                settings.ReceiveBufferSize = ReceiveBufferSize;
            }

            if (IsBound(nameof(ReceiveTimeout)))
            {
                settings.ReceiveTimeout = ReceiveTimeout;
            }

            if (IsBound(nameof(SendTimeout)))
            {
                settings.SendTimeout = SendTimeout;
            }
        }
    }
}
