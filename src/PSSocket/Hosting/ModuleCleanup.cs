using System.Management.Automation;

namespace PSSocket.Hosting
{
    /// <summary>Remove-Module PSSocket closes the sessions of the runspace that removes it.</summary>
    public sealed class ModuleCleanup : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo psModuleInfo) => RunspaceSessions.CloseCurrent();
    }
}
