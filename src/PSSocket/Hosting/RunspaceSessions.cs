using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using PSSocket.Sessions;

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

        public static void CloseCurrent() => Current.CloseAll();

        private static SessionRegistry Track(Runspace runspace)
        {
            var registry = new SessionRegistry();
            runspace.StateChanged += (sender, e) =>
            {
                RunspaceState state = e.RunspaceStateInfo.State;
                if (state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken)
                {
                    registry.CloseAll();
                }
            };
            return registry;
        }
    }
}
