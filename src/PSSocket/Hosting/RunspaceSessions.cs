using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;
using PSSocket.Servers;
using PSSocket.Sessions;
using PSSocket.Threading;

namespace PSSocket.Hosting
{
    /// <summary>
    /// Keeps one session registry per runspace and closes its sessions when the runspace closes, so nothing
    /// outlives the shell that made it.
    /// </summary>
    internal static class RunspaceSessions
    {
        private static readonly ConditionalWeakTable<Runspace, SessionRegistry> Registries = new ConditionalWeakTable<Runspace, SessionRegistry>();
        private static readonly SessionRegistry OutsideAnyRunspace = new SessionRegistry();

        public static SessionRegistry Current
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                return runspace == null ? OutsideAnyRunspace : Registries.GetValue(runspace, Track);
            }
        }

        /// <summary>Beyond a server's own stop timeout, how long closing a runspace waits for its servers to finish.</summary>
        private const int ServerStopGrace = 2000;

        public static void CloseCurrent() => CloseAndWaitForServers(Current);

        /// <summary>
        /// Closes every session; a listener's server stops in the background, and the runspace (or module) going
        /// away waits for those, bounded, so nothing it started goes on running after it.
        /// </summary>
        private static void CloseAndWaitForServers(SessionRegistry registry)
        {
            List<ServerStatistics> servers = registry.Snapshot()
                .Where(s => s.Role == SocketRole.Listener && s.Server != null)
                .Select(s => s.Server!)
                .ToList();
            registry.CloseAll();

            // One deadline for all: the servers stop side by side, so several stuck ones cost one bound, not one each.
            Deadline deadline = Deadline.After(ServerOptions.DefaultStopTimeout + ServerStopGrace);
            foreach (ServerStatistics server in servers)
            {
                server.WaitForStop(deadline.RemainingMilliseconds, CancellationToken.None);
            }
        }

        private static SessionRegistry Track(Runspace runspace)
        {
            var registry = new SessionRegistry();
            runspace.StateChanged += (sender, e) =>
            {
                RunspaceState state = e.RunspaceStateInfo.State;
                if (state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken)
                {
                    CloseAndWaitForServers(registry);
                }
            };
            return registry;
        }
    }
}
