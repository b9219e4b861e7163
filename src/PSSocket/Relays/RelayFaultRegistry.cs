using System.Runtime.CompilerServices;
using PSSocket.Sessions;

namespace PSSocket.Relays
{
    /// <summary>The fault set of each relay listener, so Set-SocketFault can find it from the listener or its job.</summary>
    internal static class RelayFaultRegistry
    {
        private static readonly ConditionalWeakTable<SocketSession, RelayFaultSet> Sets = new ConditionalWeakTable<SocketSession, RelayFaultSet>();

        public static void Register(SocketSession listener, RelayFaultSet faults)
        {
            Sets.Remove(listener);
            Sets.Add(listener, faults);
        }

        public static RelayFaultSet? Find(SocketSession listener) => Sets.TryGetValue(listener, out RelayFaultSet? faults) ? faults : null;
    }
}
