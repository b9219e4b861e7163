using System.Collections.Generic;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>Tab completion for -IPProtocol: the IP protocols it knows by name.</summary>
    internal sealed class IPProtocolCompleter : KnownNamesCompleter
    {
        protected override IEnumerable<string> Names => IPProtocol.Names;
    }
}
